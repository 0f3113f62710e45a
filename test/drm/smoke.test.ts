import { describe, expect, it } from 'vitest';
import { createTestDevice } from './test-driver.js';

describe('test driver smoke', () => {
  it('builds, registers and answers GETRESOURCES', async () => {
    const t = await createTestDevice();
    const card = t.open();
    const res = card.getResources();
    expect(res.crtcs).toEqual([t.crtc.id]);
    expect(res.connectors).toEqual([t.connector.id]); // writeback hidden without the cap (uapi 1.20)
    expect(res.encoders).toEqual([t.encoder.id, t.writeback!.writeback!.encoder.id]);
    expect(res.minWidth).toBe(10);
    const v = card.getVersion();
    expect(v).toEqual({ major: 1, minor: 2, patchlevel: 3, name: 'testdrm', date: '0', desc: 'Test DRM driver' });
    const conn = card.getConnector(t.connector.id);
    expect(conn.modes.map((m) => m.name)).toEqual(['1024x768', '800x600', '640x480']);
    expect(conn.modes[0]!.vrefresh).toBe(60);
  });
});
