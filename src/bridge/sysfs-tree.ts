/**
 * The files libdrm (and later IGT/libudev) looks at besides the device node, generated under
 * <run dir>/root. The preload library redirects /dev/dri, /sys/dev/char/226:*, /sys/class/drm,
 * /sys/devices/platform/vkms, /sys/bus/platform/{devices,drivers}/vkms, /sys/module/vkms,
 * /sys/kernel/debug/dri and /run/udev/data/c226:* here.
 *
 * VKMS (6.12) registers a platform device "vkms", so libdrm's drmGetDevice2 reports
 * DRM_BUS_PLATFORM with fullname/compatible "vkms" taken from MODALIAS (no OF data).
 * The node itself, root/dev/dri/cardN, is the server's listening socket (created by the server).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONNECTOR_TYPE_NAMES } from '../uapi/drm-mode.js';

export interface TreeConnector {
  /** DRM_MODE_CONNECTOR_* */
  type: number;
  typeId: number;
  /** "connected" | "disconnected" | "unknown" */
  status: string;
}

export interface TreeOptions {
  /** Driver name (drm_driver.name). */
  driver: string;
  /** Platform device name (VKMS: "vkms"). */
  device?: string;
  minor?: number;
  connectors?: TreeConnector[];
  /** Module parameters shown in /sys/module/<driver>/parameters. */
  moduleParams?: Record<string, string | number | boolean>;
}

/** The paths the tree holds, relative to its root (for the tests and the report). */
export interface Tree {
  root: string;
  /** The DRM node (where the server must listen). */
  node: string;
}

function file(root: string, rel: string, text: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

function link(root: string, rel: string, target: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

export function connectorName(c: TreeConnector): string {
  return `${CONNECTOR_TYPE_NAMES[c.type] ?? 'Unknown'}-${c.typeId}`;
}

/** Write the tree into `root` (which must be empty or missing). */
export function generateTree(root: string, opts: TreeOptions): Tree {
  const dev = opts.device ?? opts.driver;
  const minor = opts.minor ?? 0;
  const card = `card${minor}`;
  const devdir = `sys/devices/platform/${dev}`;
  mkdirSync(join(root, 'dev/dri'), { recursive: true });

  // the platform device
  file(root, `${devdir}/uevent`, `DRIVER=${opts.driver}\nMODALIAS=platform:${dev}\n`);
  file(root, `${devdir}/modalias`, `platform:${dev}\n`);
  link(root, `${devdir}/subsystem`, '../../../bus/platform');
  link(root, `${devdir}/driver`, `../../../bus/platform/drivers/${opts.driver}`);
  mkdirSync(join(root, `sys/bus/platform/drivers/${opts.driver}`), { recursive: true });
  link(root, `sys/bus/platform/drivers/${opts.driver}/${dev}`, `../../../../devices/platform/${dev}`);
  link(root, `sys/bus/platform/devices/${dev}`, `../../../devices/platform/${dev}`);

  // the DRM minor
  const cardDir = `${devdir}/drm/${card}`;
  file(root, `${cardDir}/uevent`, `MAJOR=226\nMINOR=${minor}\nDEVNAME=dri/${card}\nDEVTYPE=drm_minor\n`);
  file(root, `${cardDir}/dev`, `226:${minor}\n`);
  link(root, `${cardDir}/device`, `../../../${dev}`);
  link(root, `${cardDir}/subsystem`, '../../../../../class/drm');
  link(root, `sys/class/drm/${card}`, `../../devices/platform/${dev}/drm/${card}`);
  file(root, 'sys/class/drm/version', 'drm 1.1.0 20060810\n');
  link(root, `sys/dev/char/226:${minor}`, `../../devices/platform/${dev}/drm/${card}`);

  // connectors (a snapshot: status is not updated on hotplug yet)
  for (const c of opts.connectors ?? []) {
    const name = `${card}-${connectorName(c)}`;
    const d = `${cardDir}/${name}`;
    file(root, `${d}/status`, `${c.status}\n`);
    file(root, `${d}/enabled`, 'disabled\n');
    file(root, `${d}/dpms`, 'Off\n');
    file(root, `${d}/modes`, '');
    file(root, `${d}/uevent`, '');
    link(root, `${d}/subsystem`, '../../../../../../class/drm');
    link(root, `${d}/device`, `../../${card}`);
    link(root, `sys/class/drm/${name}`, `../../devices/platform/${dev}/drm/${card}/${name}`);
  }

  // the module
  mkdirSync(join(root, `sys/module/${opts.driver}/parameters`), { recursive: true });
  for (const [k, v] of Object.entries(opts.moduleParams ?? {})) {
    file(root, `sys/module/${opts.driver}/parameters/${k}`, `${typeof v === 'boolean' ? (v ? 'Y' : 'N') : String(v)}\n`);
  }

  // udev database entry (what libudev reads for the node)
  file(root, `run/udev/data/c226:${minor}`, `I:1\nE:ID_PATH=platform-${dev}\nE:ID_PATH_TAG=platform-${dev}\nE:ID_FOR_SEAT=drm-platform-${dev}\nG:seat\nG:uaccess\nQ:seat\nQ:uaccess\nV:1\n`);

  // debugfs name file (drm_name_info)
  file(root, `sys/kernel/debug/dri/${minor}/name`, `${opts.driver} dev=${dev} unique=${dev}\n`);

  return { root, node: join(root, 'dev/dri', card) };
}
