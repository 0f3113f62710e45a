/**
 * Logging through pino with the kernel's DRM debug categories (drm.debug bits): one child logger
 * per category, enabled by VKMS_DEBUG=core,kms,atomic,... (or "all"). Off by default.
 */
import { pino, type Logger } from 'pino';

export const DEBUG_CATEGORIES = ['core', 'driver', 'kms', 'prime', 'atomic', 'vbl', 'state', 'lease', 'dp', 'drmres'] as const;
export type DebugCategory = (typeof DEBUG_CATEGORIES)[number];
export type DrmLogger = Record<DebugCategory, Logger> & { root: Logger };

let base: Logger | undefined;
function root(): Logger {
  if (!base) {
    const level = process.env.VKMS_LOG_LEVEL ?? 'debug';
    base = pino({ name: 'vkms-ts', level }, pino.destination(2));
  }
  return base;
}

export function enabledCategories(spec = process.env.VKMS_DEBUG ?? ''): Set<DebugCategory> {
  const words = spec.split(/[,\s]+/).filter(Boolean);
  if (words.includes('all')) return new Set(DEBUG_CATEGORIES);
  return new Set(words.filter((w): w is DebugCategory => (DEBUG_CATEGORIES as readonly string[]).includes(w)));
}

const silent = pino({ level: 'silent' });

export function logger(device: string): DrmLogger {
  const on = enabledCategories();
  const out = { root: on.size > 0 ? root().child({ dev: device }) : silent } as DrmLogger;
  for (const c of DEBUG_CATEGORIES) out[c] = on.has(c) ? root().child({ dev: device, cat: c }) : silent;
  return out;
}
