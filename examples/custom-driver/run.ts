/**
 * Drive tinypanel from userspace: list it, flip to a new framebuffer, hit its restrictions, unplug.
 * Run with the tests, or: npx vitest run --config test/vitest.config.ts examples/custom-driver
 */
import { AtomicFlag, AtomicRequest, Card, ClientCap, Fourcc } from 'vkms-ts';
import { probeTinyPanel, setBacklight } from './tinypanel.js';

export async function runTinyPanel(log: (s: string) => void = console.log): Promise<{ bootMode: string; flipped: boolean; refused: string[]; backlightAfterUnplug: boolean }> {
  const tp = await probeTinyPanel();
  const card = new Card(tp.device.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  const crtc = card.getCrtc(tp.ids.crtc);
  log(`tinypanel: CRTC ${crtc.crtcId} already shows ${crtc.mode.name} (lit before registration)`);
  const fbFor = (pitchAlign: number) => {
    const { handle } = card.createDumb(800 + (pitchAlign === 64 ? 0 : 4), 480, 32); // 3216-byte pitch is not 64-aligned
    const pitch = pitchAlign === 64 ? 3200 : 3216;
    return card.addFB2(800, 480, Fourcc.XRGB8888, [handle], [pitch], [0]);
  };
  const refused: string[] = [];
  const tryCommit = async (what: string, req: AtomicRequest) => {
    try {
      await card.atomicCommit(req, AtomicFlag.TEST_ONLY);
    } catch (e) {
      refused.push(`${what}: ${(e as { code: string }).code}`);
    }
  };
  await tryCommit('unaligned pitch', new AtomicRequest().add(tp.ids.plane, 'FB_ID', fbFor(16)));
  await tryCommit('positioned plane', new AtomicRequest().add(tp.ids.plane, 'CRTC_X', 10));
  const good = fbFor(64);
  await card.atomicCommit(new AtomicRequest().add(tp.ids.plane, 'FB_ID', good), AtomicFlag.PAGE_FLIP_EVENT);
  const flipped = card.readEvents().length === 1 && card.getPlane(tp.ids.plane).fbId === good;
  log(`tinypanel: flipped to FB ${good}: ${flipped}; refused: ${refused.join(', ')}`);
  setBacklight(tp.device, 40);
  await tp.faux.unbind();
  const backlightAfterUnplug = setBacklight(tp.device, 80);
  log(`tinypanel: unplugged; backlight reachable afterwards: ${backlightAfterUnplug}`);
  card.close();
  return { bootMode: crtc.mode.name, flipped, refused, backlightAfterUnplug };
}
