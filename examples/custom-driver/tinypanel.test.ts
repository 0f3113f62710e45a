import { describe, expect, it } from 'vitest';
import { runTinyPanel } from './run.js';
import { probeTinyPanel } from './tinypanel.js';

describe('examples/custom-driver: tinypanel', () => {
  it('lights before registration, enforces its restrictions, flips, and unplugs cleanly', async () => {
    const r = await runTinyPanel(() => undefined);
    expect(r.bootMode).toBe('800x480');
    expect(r.refused).toEqual(['unaligned pitch: EINVAL', 'positioned plane: EINVAL']);
    expect(r.flipped).toBe(true);
    expect(r.backlightAfterUnplug).toBe(false);
  });

  it('switches the backlight off only after every guard has exited', async () => {
    const tp = await probeTinyPanel();
    const g = tp.device.enter()!;
    const backlight = g.registrationData;
    const unbound = tp.faux.unbind();
    await Promise.resolve();
    expect(backlight.on).toBe(true);
    g.exit();
    await unbound;
    expect(backlight.on).toBe(false);
  });
});
