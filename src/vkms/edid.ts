/**
 * Connector EDIDs (beyond VKMS): `edid: "generate"` builds an EDID 1.4 block from the connector's
 * modes; bytes or base64 load one, whose modes the connector then reports (drm_add_edid_modes).
 */
import { generateEdid, parseEdid, type ModeInfo } from '../drm/driver/index.js';
import { ModeType } from '../uapi/drm-mode.js';
import { VkmsConfigError, type ConnectorConfig } from './config.js';

export interface ConnectorEdid {
  bytes: Uint8Array;
  /** Modes the EDID describes (used when the configuration lists none). */
  modes: ModeInfo[];
  mm: [number, number];
}

export function connectorEdid(c: ConnectorConfig, i: number, modes: ModeInfo[]): ConnectorEdid | null {
  const path = `connectors[${i}].edid`;
  if (c.edid === undefined) return null;
  if (c.edid === 'generate') {
    const preferred = modes.find((m) => m.type & ModeType.PREFERRED) ?? modes[0];
    if (!preferred) throw new VkmsConfigError(path, 'an EDID needs at least one mode');
    const [wmm, hmm] = c.mm ?? [Math.round(preferred.hdisplay * 0.2646), Math.round(preferred.vdisplay * 0.2646)]; // 96 dpi
    try {
      const bytes = generateEdid({ name: c.name.slice(0, 13), widthCm: Math.round(wmm / 10), heightCm: Math.round(hmm / 10), preferred, modes: modes.filter((m) => m !== preferred) });
      return { bytes, modes, mm: [wmm, hmm] };
    } catch (e) {
      throw new VkmsConfigError(path, `cannot describe these modes in an EDID: ${(e as Error).message}`);
    }
  }
  let bytes: Uint8Array;
  if (typeof c.edid === 'string') bytes = Uint8Array.from(Buffer.from(c.edid, 'base64'));
  else if (Array.isArray(c.edid) && c.edid.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) bytes = Uint8Array.from(c.edid);
  else throw new VkmsConfigError(path, 'must be "generate", a base64 string or an array of bytes');
  const parsed = parseEdid(bytes);
  if (!parsed.valid) throw new VkmsConfigError(path, `invalid EDID: ${parsed.errors.join('; ')}`);
  return { bytes, modes: parsed.modes, mm: [parsed.mmWidth, parsed.mmHeight] };
}
