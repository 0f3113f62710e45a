/** Writeback connectors (≈ drm_writeback.c init, uapi 2.45). */
import { ConnectorType, EncoderType, ObjectType, PropFlag } from '../../uapi/drm-mode.js';
import { createBlob } from '../blob.js';
import type { DrmDevice } from '../device.js';
import { U64_MAX, attachProperty, createBlobProp, createObjectProp, createRange } from '../property.js';
import type { Connector, ConnectorFuncs } from '../types.js';
import { attachEncoder, initConnector } from './connector.js';
import { fbPut } from '../framebuffer.js';
import { initEncoder } from './encoder.js';

/** create_writeback_properties: once per device, FB_ID, PIXEL_FORMATS, OUT_FENCE_PTR in that order. */
function writebackProperties(dev: DrmDevice) {
  const s = dev.std;
  if (!s.WRITEBACK_FB_ID) {
    s.WRITEBACK_FB_ID = createObjectProp(dev, PropFlag.ATOMIC, 'WRITEBACK_FB_ID', ObjectType.FB);
    s.WRITEBACK_PIXEL_FORMATS = createBlobProp(dev, PropFlag.ATOMIC | PropFlag.IMMUTABLE, 'WRITEBACK_PIXEL_FORMATS');
    s.WRITEBACK_OUT_FENCE_PTR = createRange(dev, PropFlag.ATOMIC, 'WRITEBACK_OUT_FENCE_PTR', 0n, U64_MAX);
  }
  return { fb: s.WRITEBACK_FB_ID, formats: s.WRITEBACK_PIXEL_FORMATS!, fence: s.WRITEBACK_OUT_FENCE_PTR! };
}

export interface WritebackInit {
  formats: readonly number[];
  possibleCrtcs: number;
  funcs?: ConnectorFuncs;
}

/**
 * drm_writeback_connector_init: a Virtual encoder, the properties, the formats blob, then the
 * connector (type Writeback) with OUT_FENCE_PTR, FB_ID, PIXEL_FORMATS attached in that order.
 */
export function initWritebackConnector(dev: DrmDevice, init: WritebackInit): Connector {
  const encoder = initEncoder(dev, { type: EncoderType.VIRTUAL, possibleCrtcs: init.possibleCrtcs });
  const props = writebackProperties(dev);
  const data = new Uint8Array(4 * init.formats.length);
  const v = new DataView(data.buffer);
  init.formats.forEach((f, i) => v.setUint32(4 * i, f >>> 0, true));
  const formatsBlob = createBlob(dev, data);
  const conn = initConnector(dev, { type: ConnectorType.WRITEBACK, funcs: init.funcs });
  attachEncoder(conn, encoder);
  (conn as { writeback: Connector['writeback'] }).writeback = { formats: [...init.formats], encoder, formatsBlob };
  attachProperty(conn, props.fence, 0n);
  attachProperty(conn, props.fb, 0n);
  attachProperty(conn, props.formats, BigInt(formatsBlob.id));
  return conn;
}

/** A queued writeback job: the FB (with its own reference) and the out-fence to signal. */
export interface QueuedWritebackJob {
  readonly fb: import('../types.js').Framebuffer;
  readonly outFence: import('../sync-file.js').OutFence | null;
}

const queues = new WeakMap<Connector, QueuedWritebackJob[]>();

export function writebackQueue(conn: Connector): QueuedWritebackJob[] {
  let q = queues.get(conn);
  if (!q) queues.set(conn, (q = []));
  return q;
}

/** drm_writeback_queue_job: the job leaves the connector state for the connector's queue. */
export function queueWritebackJob(conn: Connector, state: import('../types.js').ConnectorState): QueuedWritebackJob | null {
  const job = state.writeback_job;
  if (!job?.fb) return null;
  state.writeback_job = null;
  const q: QueuedWritebackJob = { fb: job.fb, outFence: job.outFence };
  writebackQueue(conn).push(q);
  return q;
}

/**
 * drm_writeback_signal_completion: the oldest job is done; its out-fence signals (with the
 * status as error when nonzero) and its FB reference is dropped.
 */
export function signalWritebackCompletion(dev: DrmDevice, conn: Connector, timeNs: bigint): QueuedWritebackJob | null {
  const job = writebackQueue(conn).shift() ?? null;
  if (!job) return null;
  job.outFence?.signal(timeNs);
  fbPut(dev, job.fb);
  return job;
}
