/**
 * The three dumps against the real-VKMS capture, byte for byte: a device with the reference
 * topology (vkms612-fixture.ts) dumped with the capture's host facts must print exactly the files
 * in /work/shared/reference/vkms-6.12/{default,minimal,full}.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drmInfo, drmInfoJson, type DrmInfoDevice } from '../../src/client/drm-info.js';
import { drmInfoText } from '../../src/client/drm-info-text.js';
import { modetestArgs, modetestDump } from '../../src/client/modetest.js';
import { compareTextWithReference, compareWithReference, referenceHost } from './reference-compare.js';
import { createVkms612Like, REFERENCE_DIR } from './vkms612-fixture.js';

const read = (profile: string, file: string) => readFileSync(`${REFERENCE_DIR}/${profile}/${file}`, 'utf8');

for (const profile of ['default', 'minimal', 'full'] as const) {
  describe(`reference vkms-6.12/${profile}`, () => {
    async function dump() {
      const t = await createVkms612Like(profile);
      const host = referenceHost(`${REFERENCE_DIR}/${profile}/drm_info.json`);
      const card = t.open();
      const node = drmInfo(card, { nodePath: host.nodePath, kernel: host.kernel, device: host.device as DrmInfoDevice });
      card.close(); // drm_info exits before modetest runs: modetest's file becomes master and probes
      return { t, node, devices: { [host.nodePath]: node } };
    }

    it('drm_info -j: identical bytes', async () => {
      const { devices } = await dump();
      const json = drmInfoJson(devices);
      const cmp = compareWithReference(json, `${REFERENCE_DIR}/${profile}/drm_info.json`, []);
      expect(cmp.message).toBe('equal');
      expect(json).toBe(read(profile, 'drm_info.json'));
    });

    it('drm_info: identical text', async () => {
      const { devices } = await dump();
      const text = drmInfoText(devices);
      expect(compareTextWithReference(text, `${REFERENCE_DIR}/${profile}/drm_info.txt`).message).toBe('equal');
      expect(text).toBe(read(profile, 'drm_info.txt'));
    });

    it('modetest -M vkms: identical text (connectors probed: connected, 34 modes)', async () => {
      const { t } = await dump();
      const text = modetestDump(t.open(), modetestArgs(['-M', 'vkms']));
      expect(compareTextWithReference(text, `${REFERENCE_DIR}/${profile}/modetest.txt`).message).toBe('equal');
      expect(text).toBe(read(profile, 'modetest.txt'));
    });
  });
}
