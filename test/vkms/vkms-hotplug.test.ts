/**
 * Runtime changes of a lit VKMS device: connector status (configfs `status`, vkms-semantics
 * §1.4/§1.8) with hotplug events and re-probing by the master (uapi 1.25), hot-add and hot-remove
 * of connectors (uapi 3.34), and link-status going Bad (uapi 2.44).
 */
import { describe, expect, it } from 'vitest';
import { Card } from '../../src/client/index.js';
import { ClientCap, ConnectorType, Fourcc } from '../../src/uapi/index.js';
import { VkmsConfigError } from '../../src/vkms/index.js';
import { addPlane, AtomicFlag, AtomicRequest, createFb, errnoOf, findMode, modesetReq, openVkms } from './helpers.js';

const { ALLOW_MODESET, TEST_ONLY } = AtomicFlag;

async function litDefault() {
  const o = await openVkms({ profile: 'latest' });
  const { vk, card } = o;
  const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
  const mode = findMode(card, conn);
  const fb = createFb(card, mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
  const req = modesetReq(card, crtc, conn, mode);
  addPlane(req, crtc, { plane: vk.ids.planes.primary!, fb });
  card.atomicCommitSync(req, ALLOW_MODESET);
  return { ...o, crtc, conn, mode, fb };
}

const linkStatus = (card: Card, id: number) => card.findProperty(id, 0, 'link-status')!.value;

describe('hotplug.setStatus (configfs connector status)', () => {
  it('sends a hotplug event; the master re-probes the new status, disconnected has no modes', async () => {
    const { vk, card, conn } = await litDefault();
    const other = new Card(vk.open());
    other.setClientCap(ClientCap.ATOMIC, 1);
    expect(other.getConnector(conn).connection).toBe(1);
    let events = 0;
    const off = vk.hotplug.onEvent(() => { events++; });
    const next = vk.hotplug.nextEvent();
    vk.hotplug.setStatus('connector0', 'disconnected');
    await next;
    expect(events).toBe(1);
    // a non-master file gets the cached connector (uapi 1.25) until someone probes
    expect(other.getConnector(conn).connection).toBe(1);
    const c = card.getConnector(conn);
    expect(c.connection).toBe(2);
    expect(c.modes).toEqual([]);
    expect(other.getConnector(conn).connection).toBe(2);
    vk.hotplug.setStatus('connector0', 'unknown');
    expect(events).toBe(2);
    const u = card.getConnector(conn);
    expect(u.connection).toBe(3);
    expect(u.modes).toHaveLength(34);
    vk.hotplug.setStatus('connector0', 'connected');
    expect(events).toBe(3);
    const back = card.getConnector(conn);
    expect(back.connection).toBe(1);
    expect(back.modes).toHaveLength(34);
    off();
    vk.hotplug.setStatus('connector0', 'disconnected');
    expect(events).toBe(3);
    // the CRTC keeps running: status is information for userspace, not a modeset
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('refuses unknown connectors and status values', async () => {
    const { vk } = await openVkms();
    let events = 0;
    vk.hotplug.onEvent(() => { events++; });
    expect(() => vk.hotplug.setStatus('connector9', 'connected')).toThrow(/connector9/);
    expect(() => vk.hotplug.setStatus('connector0', 'sleepy' as 'connected')).toThrow(VkmsConfigError);
    expect(events).toBe(0);
    await vk.unplug();
  });
});

describe('hotplug.add / hotplug.remove', () => {
  it('add while enabled: a new ID, listed by GETRESOURCES, probed connected, routable', async () => {
    const { vk, card, crtc, conn, mode } = await litDefault();
    const before = card.getResources();
    const next = vk.hotplug.nextEvent();
    const id = vk.hotplug.add({ name: 'extra', type: 'DP', possible_encoders: ['encoder0'] });
    await next;
    expect([...before.connectors, ...before.encoders, ...before.crtcs]).not.toContain(id);
    expect(vk.ids.connectors.extra).toBe(id);
    const after = card.getResources();
    expect(after.connectors).toContain(id);
    expect(after.connectors).toHaveLength(before.connectors.length + 1);
    const info = card.getConnector(id);
    expect(info.connectorType).toBe(ConnectorType.DisplayPort);
    expect(info.connectorTypeId).toBe(1);
    expect(info.connection).toBe(1);
    expect(info.modes).toHaveLength(34);
    expect(info.encoders).toEqual([vk.ids.encoders.encoder0]);
    // the encoder is in use by connector0: atomic never steals it (uapi 3.32)
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(id, 'CRTC_ID', crtc), ALLOW_MODESET | TEST_ONLY))).toBe('EINVAL');
    // moving the output over to the new connector works
    card.atomicCommitSync(new AtomicRequest().add(conn, 'CRTC_ID', 0).add(id, 'CRTC_ID', crtc), ALLOW_MODESET);
    expect(card.getConnector(id).encoderId).toBe(vk.ids.encoders.encoder0);
    expect(card.getConnector(conn).encoderId).toBe(0);
    expect(card.getCrtc(crtc).mode.name).toBe(mode.name);
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('add with explicit modes and a disconnected status (already so when the hotplug event arrives)', async () => {
    const { vk, card } = await openVkms();
    const before = card.getResources().connectors;
    const seen: number[] = [];
    vk.hotplug.onEvent(() => {
      for (const c of card.getResources().connectors) if (!before.includes(c)) seen.push(card.getConnector(c).connection);
    });
    const id = vk.hotplug.add({ name: 'hdmi', type: 'HDMI-A', status: 'disconnected', possible_encoders: ['encoder0'], modes: [{ mode: '800x600', preferred: true }] });
    expect(seen).toEqual([2]);
    expect(card.getConnector(id).connection).toBe(2);
    expect(card.getConnector(id).modes).toEqual([]);
    vk.hotplug.setStatus('hdmi', 'connected');
    const modes = card.getConnector(id).modes;
    expect(modes.map((m) => [m.name, m.type])).toEqual([['800x600', 64 | 8]]);
    await vk.unplug();
  });

  it('a refused add creates nothing (bad encoder, duplicate name, bad status, bad type, bad mode)', async () => {
    const { vk, card } = await openVkms();
    const before = card.getResources().connectors;
    let events = 0;
    vk.hotplug.onEvent(() => { events++; });
    const bad: [Parameters<typeof vk.hotplug.add>[0], string][] = [
      [{ name: 'x', possible_encoders: ['encoder7'] }, 'connector.possible_encoders[0]'],
      [{ name: 'x', possible_encoders: [] }, 'connector.possible_encoders'],
      [{ name: 'connector0', possible_encoders: ['encoder0'] }, 'connector.name'],
      [{ name: 'x', status: 'sleepy' as 'connected', possible_encoders: ['encoder0'] }, 'status'],
      [{ name: 'x', type: 'HDMI-Z', possible_encoders: ['encoder0'] }, 'type'],
      [{ name: 'x', possible_encoders: ['encoder0'], modes: [{ mode: '1x1' }] }, 'modes[0]'],
    ];
    for (const [cfg, path] of bad) {
      let err: unknown;
      try { vk.hotplug.add(cfg); } catch (e) { err = e; }
      expect({ path, isConfigError: err instanceof VkmsConfigError }).toEqual({ path, isConfigError: true });
      expect((err as VkmsConfigError).path).toContain(path);
      expect(card.getResources().connectors).toEqual(before);
      expect(Object.keys(vk.ids.connectors)).toEqual(['connector0']);
    }
    expect(events).toBe(0);
    await vk.unplug();
  });

  it('remove: GETCONNECTOR is ENOENT, GETRESOURCES drops it, a hotplug event; an idle connector goes at once', async () => {
    const { vk, card } = await openVkms();
    const id = vk.hotplug.add({ name: 'extra', possible_encoders: ['encoder0'] });
    expect(card.getResources().connectors).toContain(id);
    const next = vk.hotplug.nextEvent();
    vk.hotplug.remove('extra');
    await next;
    expect(errnoOf(() => card.getConnector(id))).toBe('ENOENT');
    expect(card.getResources().connectors).not.toContain(id);
    expect(vk.ids.connectors.extra).toBeUndefined();
    expect(() => vk.hotplug.remove('extra')).toThrow();
    await vk.unplug();
  });

  it('remove of a routed connector: the output keeps working (flips, even a mode change) until userspace moves away', async () => {
    const { vk, card, crtc, conn, mode } = await litDefault();
    vk.hotplug.remove('connector0');
    // drm_connector_unregister keeps the object while a state routes it: still findable and listed
    expect(card.getConnector(conn).connectorId).toBe(conn);
    expect(card.getResources().connectors).toContain(conn);
    // the CRTC still runs and flips
    const fb2 = createFb(card, mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
    card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', fb2.id));
    vk.vblank('crtc0', 1);
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fb2.id);
    expect(card.getCrtc(crtc).modeValid).toBe(true);
    // a modeset that only pulls the removed connector in (not added by userspace) is not refused (3.34)
    const m800 = findMode(card, vk.ids.writeback.crtc0!, 800, 600);
    const small = createFb(card, 800, 600, Fourcc.XRGB8888);
    card.atomicCommitSync(addPlane(new AtomicRequest().add(crtc, 'MODE_ID', card.createModeBlob(m800)), crtc, { plane: vk.ids.planes.primary!, fb: small }), ALLOW_MODESET);
    expect(card.getCrtc(crtc).mode.name).toBe('800x600');
    vk.vblank('crtc0', 1);
    // userspace moves away: the CRTC off
    card.atomicCommitSync(new AtomicRequest().add(crtc, 'ACTIVE', 0), ALLOW_MODESET);
    expect(() => vk.vblank('crtc0', 1)).toThrow();
    await vk.unplug();
  });

  // The kernel keeps a hot-removed connector's ID findable while a state references it
  // (drm_connector_unregister does not remove it; the last drm_connector_put does), so userspace
  // that still holds the ID gets 3.34's EINVAL for routing it to an active CRTC and may detach it.
  it('routing a removed connector (ID still held) to an active CRTC is EINVAL (uapi 3.34)', async () => {
    const { vk, card, crtc, conn, mode, fb } = await litDefault();
    vk.hotplug.remove('connector0');
    const again = () => addPlane(modesetReq(card, crtc, conn, { ...mode }), crtc, { plane: vk.ids.planes.primary!, fb });
    expect(errnoOf(() => card.atomicCommitSync(again(), ALLOW_MODESET | TEST_ONLY))).toBe('EINVAL');
    await vk.unplug();
  });

  it('a removed connector can be detached (CRTC_ID 0) with the CRTC turned off (uapi 3.34)', async () => {
    const { vk, card, crtc, conn } = await litDefault();
    vk.hotplug.remove('connector0');
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(conn, 'CRTC_ID', 0).add(crtc, 'ACTIVE', 0).add(crtc, 'MODE_ID', 0)
      .add(vk.ids.planes.primary!, 'FB_ID', 0).add(vk.ids.planes.primary!, 'CRTC_ID', 0), ALLOW_MODESET))).toBe('ok');
    // no state references it any more: the last reference is gone, the connector is freed
    expect(errnoOf(() => card.getConnector(conn))).toBe('ENOENT');
    expect(card.getResources().connectors).not.toContain(conn);
    await vk.unplug();
  });
});

describe('hotplug.linkBad (uapi 2.44)', () => {
  it('link-status reads Bad; writing Good is a modeset: EINVAL without ALLOW_MODESET, accepted with it', async () => {
    const { vk, card, conn } = await litDefault();
    expect(linkStatus(card, conn)).toBe(0n);
    // Good → Bad from userspace is silently ignored
    card.atomicCommitSync(new AtomicRequest().add(conn, 'link-status', 1));
    expect(linkStatus(card, conn)).toBe(0n);
    const next = vk.hotplug.nextEvent();
    vk.hotplug.linkBad('connector0');
    await next;
    expect(linkStatus(card, conn)).toBe(1n);
    const good = () => new AtomicRequest().add(conn, 'link-status', 0);
    expect(errnoOf(() => card.atomicCommitSync(good(), TEST_ONLY))).toBe('EINVAL');
    expect(errnoOf(() => card.atomicCommitSync(good()))).toBe('EINVAL');
    expect(linkStatus(card, conn)).toBe(1n);
    expect(errnoOf(() => card.atomicCommitSync(good(), TEST_ONLY | ALLOW_MODESET))).toBe('ok');
    expect(linkStatus(card, conn)).toBe(1n);
    card.atomicCommitSync(good(), ALLOW_MODESET);
    expect(linkStatus(card, conn)).toBe(0n);
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('on an unrouted connector, writing Good is no modeset', async () => {
    const { vk, card } = await openVkms();
    const conn = vk.ids.connectors.connector0!;
    vk.hotplug.linkBad('connector0');
    expect(linkStatus(card, conn)).toBe(1n);
    card.atomicCommitSync(new AtomicRequest().add(conn, 'link-status', 0));
    expect(linkStatus(card, conn)).toBe(0n);
    await vk.unplug();
  });
});
