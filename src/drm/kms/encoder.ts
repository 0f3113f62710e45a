/** Encoders (≈ drm_encoder.c). */
import { ObjectType } from '../../uapi/drm-mode.js';
import type { DrmDevice } from '../device.js';
import type { Encoder, EncoderFuncs } from '../types.js';

const ENCODER_NAMES = ['None', 'DAC', 'TMDS', 'LVDS', 'TV', 'Virtual', 'DSI', 'DP MST', 'DPI'];

export interface EncoderInit {
  type: number;
  possibleCrtcs: number;
  possibleClones?: number;
  funcs?: EncoderFuncs;
  name?: string;
}

/** drm_encoder_init: the name is "<Type>-<object id>". */
export function initEncoder(dev: DrmDevice, init: EncoderInit): Encoder {
  if (dev.encoders.length >= 32) throw new Error('at most 32 encoders per device');
  const enc = {
    id: 0, objType: ObjectType.ENCODER, props: [], index: dev.encoders.length, type: init.type,
    possibleCrtcs: init.possibleCrtcs, possibleClones: init.possibleClones ?? 0, funcs: init.funcs ?? {}, name: '',
  } as unknown as { -readonly [K in keyof Encoder]: Encoder[K] };
  dev.addObject(enc as Encoder);
  enc.name = init.name ?? `${ENCODER_NAMES[init.type] ?? 'Unknown'}-${enc.id}`;
  dev.encoders.push(enc as Encoder);
  return enc as Encoder;
}

export const encoderMask = (e: Encoder) => 1 << e.index;
