/**
 * A multi-monitor hotplug scenario: two CRTCs, a second monitor unplugged and replugged, a third
 * connector hot-added (like a DP MST hub) and lit, then removed. Prints what a compositor sees.
 */
import { Card, ClientCap, ConnectorStatus, Fourcc, lightOutput, preferredMode, createVkms, type VkmsTopology } from 'vkms-ts';

export const TWO_HEADS: VkmsTopology = {
  name: 'dual',
  planes: [
    { name: 'primary-a', type: 'primary', possible_crtcs: ['crtc-a'] },
    { name: 'primary-b', type: 'primary', possible_crtcs: ['crtc-b'] },
  ],
  crtcs: [{ name: 'crtc-a' }, { name: 'crtc-b' }],
  encoders: [{ name: 'enc-a', possible_crtcs: ['crtc-a'] }, { name: 'enc-b', possible_crtcs: ['crtc-b'] }],
  connectors: [
    { name: 'DP-1', type: 'DP', possible_encoders: ['enc-a'], modes: [{ mode: '1920x1080', preferred: true }, { mode: '1280x720' }] },
    { name: 'HDMI-1', type: 'HDMI-A', possible_encoders: ['enc-b'], modes: [{ mode: '1280x1024', preferred: true }] },
  ],
};

export async function hotplugScenario(log: (s: string) => void = console.log): Promise<string[]> {
  const vk = await createVkms({ topology: TWO_HEADS });
  const card = new Card(vk.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  const seen: string[] = [];
  const status = () => card.getResources().connectors.map((id) => {
    const c = card.getConnector(id);
    return `${id}:${c.connection === ConnectorStatus.connected ? 'on' : 'off'}:${c.modes.length}`;
  }).join(' ');
  const light = async (crtc: number, conn: number, plane: number) => {
    const mode = preferredMode(card, conn);
    const { handle, pitch } = card.createDumb(mode.hdisplay, mode.vdisplay, 32);
    const fb = card.addFB2(mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888, [handle], [pitch], [0]);
    await lightOutput(card, { crtc, connector: conn, mode, primary: { plane, fb, srcW: mode.hdisplay, srcH: mode.vdisplay } });
    return `${mode.hdisplay}x${mode.vdisplay}`;
  };
  const ids = vk.ids;
  seen.push(`start ${status()}`);
  seen.push(`lit A ${await light(ids.crtcs['crtc-a']!, ids.connectors['DP-1']!, ids.planes['primary-a']!)}`);
  let events = 0;
  vk.hotplug.onEvent(() => events++);
  vk.hotplug.setStatus('HDMI-1', 'disconnected');
  seen.push(`unplugged HDMI-1 ${status()}`);
  vk.hotplug.setStatus('HDMI-1', 'connected');
  seen.push(`replugged HDMI-1 ${status()}`);
  seen.push(`lit B ${await light(ids.crtcs['crtc-b']!, ids.connectors['HDMI-1']!, ids.planes['primary-b']!)}`);
  const mst = vk.hotplug.add({ name: 'DP-1-1', type: 'DP', possible_encoders: ['enc-b'], modes: [{ mode: '1024x768', preferred: true }] });
  seen.push(`hot-added DP-1-1 as ${mst} ${status()}`);
  vk.hotplug.remove('DP-1-1');
  seen.push(`removed DP-1-1 ${status()}`);
  seen.push(`hotplug events ${events}`);
  for (const s of seen) log(s);
  card.close();
  await vk.unplug();
  return seen;
}
