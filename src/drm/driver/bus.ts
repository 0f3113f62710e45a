/**
 * A parent bus device (≈ a faux/platform device): binding calls the driver's probe with the
 * bound device; resources registered against it (devres) are released in reverse order on unbind.
 */
export interface Devres {
  /** Register a release action; it runs when the device unbinds (LIFO). */
  add(name: string, release: () => void | Promise<void>): void;
}

/** A parent device in the Bound context: only then can devres be used. */
export interface BoundDevice {
  readonly name: string;
  readonly devres: Devres;
  readonly bound: true;
  /** The FauxDevice this bound view belongs to. */
  readonly parent: FauxDevice;
}

export interface FauxDriverOps {
  probe(dev: BoundDevice): void | Promise<void>;
  remove?(dev: BoundDevice): void | Promise<void>;
}

export class FauxDevice {
  readonly name: string;
  private actions: { name: string; release: () => void | Promise<void> }[] = [];
  private boundView: BoundDevice | null = null;
  private ops: FauxDriverOps | null = null;

  constructor(name: string) {
    this.name = name;
  }

  get isBound(): boolean {
    return this.boundView !== null;
  }

  /** The Bound view while bound, else null. */
  get bound(): BoundDevice | null {
    return this.boundView;
  }

  /** Bind a driver: probe runs with the bound device; a failing probe unwinds its devres. */
  async bind(ops: FauxDriverOps): Promise<BoundDevice> {
    if (this.boundView) throw new Error(`${this.name}: already bound`);
    const view: BoundDevice = {
      name: this.name, bound: true, parent: this,
      devres: { add: (name, release) => { this.actions.push({ name, release }); } },
    };
    this.boundView = view;
    this.ops = ops;
    try {
      await ops.probe(view);
    } catch (e) {
      await this.releaseAll();
      this.boundView = null;
      this.ops = null;
      throw e;
    }
    return view;
  }

  /** Unbind: the driver's remove, then every devres action in reverse order. */
  async unbind(): Promise<void> {
    const view = this.boundView;
    if (!view) return;
    await this.ops?.remove?.(view);
    await this.releaseAll();
    this.boundView = null;
    this.ops = null;
  }

  private async releaseAll(): Promise<void> {
    while (this.actions.length) {
      const a = this.actions.pop()!;
      await a.release();
    }
  }
}

/** faux_device_create: a parent device, bound at once to `ops`. */
export async function createFauxDevice(name: string, ops: FauxDriverOps): Promise<FauxDevice> {
  const dev = new FauxDevice(name);
  await dev.bind(ops);
  return dev;
}
