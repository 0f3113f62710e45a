/**
 * `vkms-ts run-client -- <program> [args]`: run an unmodified libdrm program against an emulated
 * VKMS device. Starts a BridgeServer, launches the program with LD_PRELOAD=libvkms_preload.so and
 * VKMS_BRIDGE=<run dir>, serves it until it exits, and tears everything down.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createVkms, type VkmsDevice, type VkmsOptions } from '../vkms/device.js';
import { ENV_DEBUG, ENV_RUN_DIR } from './protocol.js';
import { BridgeServer } from './server.js';

/** Where `npm run build:bridge` puts the library (dist/bridge/, from both src/ and dist/). */
export const DEFAULT_PRELOAD = fileURLToPath(new URL('../../dist/bridge/libvkms_preload.so', import.meta.url));

export interface RunClientOptions {
  /** Serve this device (it stays plugged in afterwards). */
  device?: VkmsDevice;
  /** Else create one with these options (default clock: realtime); it is unplugged at the end. */
  vkms?: VkmsOptions;
  /** The preload library (default: dist/bridge/libvkms_preload.so of this package). */
  preload?: string;
  /** Extra environment for the program. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /**
   * 'pipe' (default): stdout/stderr are collected and returned, stdin is /dev/null unless `input`;
   * 'inherit': the program uses this process's stdin, stdout and stderr (a terminal: the CLI).
   */
  stdio?: 'pipe' | 'inherit';
  /** The program's stdin: text (then EOF) or a stream piped in. */
  input?: string | NodeJS.ReadableStream;
  /** Kill the program (SIGKILL) after this many ms. */
  timeoutMs?: number;
  /** VKMS_BRIDGE_DEBUG=1: the preload library logs redirects and calls to stderr. */
  debug?: boolean;
  /** Run dir (default: a fresh one in /dev/shm or the OS temp dir) and whether to keep it. */
  runDir?: string;
  keepRunDir?: boolean;
  /** Server diagnostics (default: stderr). */
  log?: (line: string) => void;
  /** Called once the server listens, before the program starts. */
  onServer?: (server: BridgeServer) => void;
  /** See BridgeServerOptions.beforeIoctl. */
  beforeIoctl?: (name: string, server: BridgeServer) => void;
}

export interface RunClientResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A problem before the program could run (bad arguments, missing library or program). */
export class BridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

/** Run `argv` (program and arguments) against the device; resolves when the program exits. */
export async function runWithBridge(argv: readonly string[], options: RunClientOptions = {}): Promise<RunClientResult> {
  if (!Array.isArray(argv) || argv.length === 0 || typeof argv[0] !== 'string' || !argv[0]) {
    throw new BridgeError('run-client needs a program to run: vkms-ts run-client [device options] -- <program> [args...]');
  }
  if (process.platform !== 'linux') throw new BridgeError(`the libdrm bridge needs Linux (LD_PRELOAD, AF_UNIX, FIFOs); this is ${process.platform}`);
  const preload = options.preload ?? DEFAULT_PRELOAD;
  if (!existsSync(preload)) {
    throw new BridgeError(`the bridge library ${preload} does not exist: build it with \`npm run build:bridge\` (needs a C compiler)`);
  }
  const ownDevice = !options.device;
  const device = options.device ?? await createVkms({ clock: 'realtime', ...options.vkms });
  let server: BridgeServer | null = null;
  try {
    server = await BridgeServer.start({ device, runDir: options.runDir, keepRunDir: options.keepRunDir, log: options.log, beforeIoctl: options.beforeIoctl });
    options.onServer?.(server);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
    env.LD_PRELOAD = env.LD_PRELOAD ? `${preload}:${env.LD_PRELOAD}` : preload;
    env[ENV_RUN_DIR] = server.runDir;
    if (options.debug) env[ENV_DEBUG] = '1';
    return await spawnAndWait(argv, env, options);
  } finally {
    await server?.close();
    if (ownDevice) await device.unplug();
  }
}

function spawnAndWait(argv: readonly string[], env: Record<string, string>, options: RunClientOptions): Promise<RunClientResult> {
  return new Promise((resolve, reject) => {
    const pipe = (options.stdio ?? 'pipe') === 'pipe';
    const stdio: StdioOptions = [options.input !== undefined ? 'pipe' : pipe ? 'ignore' : 'inherit', pipe ? 'pipe' : 'inherit', pipe ? 'pipe' : 'inherit'];
    const child = spawn(argv[0]!, argv.slice(1), { env, cwd: options.cwd, stdio });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.stdin?.on('error', () => undefined);
    if (typeof options.input === 'string') child.stdin?.end(options.input);
    else if (options.input && child.stdin) options.input.pipe(child.stdin);
    let timedOut = false;
    const timer = options.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs) : null;
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(new BridgeError(e.code === 'ENOENT' ? `cannot run "${argv[0]}": no such program` : `cannot run "${argv[0]}": ${e.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}
