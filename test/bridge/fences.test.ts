/**
 * Sync files across the libdrm bridge: OUT_FENCE_PTR / WRITEBACK_OUT_FENCE_PTR give the C program a
 * real fd (NEW_FD) that poll() reports readable once the fence signalled, IN_FENCE_FD takes such an
 * fd back (FD_INFO), and a failed commit leaves no fd behind (CLOSE_FD). The program uses raw
 * ioctls with its own struct layouts (no libdrm headers needed); the manual clock is stepped by a
 * beforeIoctl hook on DRM_IOCTL_GET_MAGIC, which the program calls where it wants a vblank.
 */
import { afterAll, expect, it } from 'vitest';
import { runWithBridge } from '../../src/bridge/run.js';
import type { BridgeServer } from '../../src/bridge/server.js';
import { createVkms, type VkmsDevice } from '../../src/vkms/device.js';
import { bridgePrereq, describeBridge, inlineCProgram } from './bridge-env.js';

const PROGRAM = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct drm_set_client_cap { uint64_t capability, value; };
struct drm_mode_atomic { uint32_t flags, count_objs; uint64_t objs_ptr, count_props_ptr, props_ptr, prop_values_ptr, reserved, user_data; };
struct drm_mode_get_plane { uint32_t plane_id, crtc_id, fb_id, possible_crtcs, gamma_size, count_format_types; uint64_t format_type_ptr; };
struct drm_mode_modeinfo {
	uint32_t clock;
	uint16_t hdisplay, hsync_start, hsync_end, htotal, hskew, vdisplay, vsync_start, vsync_end, vtotal, vscan;
	uint32_t vrefresh, flags, type;
	char name[32];
};
struct drm_mode_crtc { uint64_t set_connectors_ptr; uint32_t count_connectors, crtc_id, fb_id, x, y, gamma_size, mode_valid; struct drm_mode_modeinfo mode; };
struct drm_mode_create_dumb { uint32_t height, width, bpp, flags, handle, pitch; uint64_t size; };
struct drm_mode_fb_cmd2 { uint32_t fb_id, width, height, pixel_format, flags, handles[4], pitches[4], offsets[4]; uint64_t modifier[4]; };

#define IOC_GET_MAGIC _IOR('d', 0x02, uint32_t)
#define IOC_SET_CLIENT_CAP _IOW('d', 0x0d, struct drm_set_client_cap)
#define IOC_GETCRTC _IOWR('d', 0xa1, struct drm_mode_crtc)
#define IOC_CREATE_DUMB _IOWR('d', 0xb2, struct drm_mode_create_dumb)
#define IOC_GETPLANE _IOWR('d', 0xb6, struct drm_mode_get_plane)
#define IOC_ADDFB2 _IOWR('d', 0xb8, struct drm_mode_fb_cmd2)
#define IOC_ATOMIC _IOWR('d', 0xbc, struct drm_mode_atomic)
#define CLIENT_CAP_ATOMIC 3
#define TEST_ONLY 0x100
#define NONBLOCK 0x200
#define ALLOW_MODESET 0x400

_Static_assert(sizeof(struct drm_mode_atomic) == 56, "atomic");
_Static_assert(sizeof(struct drm_mode_crtc) == 104, "crtc");
_Static_assert(sizeof(struct drm_mode_fb_cmd2) == 104, "fb_cmd2");

static int card;

struct req { uint32_t objs[8], counts[8], props[32]; uint64_t vals[32]; uint32_t nobj, nprop; };

static void add(struct req *r, uint32_t obj, uint32_t prop, uint64_t val)
{
	if (!r->nobj || r->objs[r->nobj - 1] != obj) { r->objs[r->nobj] = obj; r->counts[r->nobj++] = 0; }
	r->counts[r->nobj - 1]++;
	r->props[r->nprop] = prop;
	r->vals[r->nprop++] = val;
}

static int commit(struct req *r, uint32_t flags)
{
	struct drm_mode_atomic a = { flags, r->nobj, (uintptr_t)r->objs, (uintptr_t)r->counts, (uintptr_t)r->props, (uintptr_t)r->vals, 0, 0 };
	int rc = ioctl(card, IOC_ATOMIC, &a) ? -errno : 0;
	memset(r, 0, sizeof *r);
	return rc;
}

static int readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int n = poll(&p, 1, ms);
	return n > 0 && (p.revents & POLLIN) != 0;
}

static int lowest_free(void) { int fd = open("/dev/null", O_RDONLY); close(fd); return fd; }
static int is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }
/* the test's beforeIoctl hook steps the manual clock by one vblank */
static void vblank(void) { uint32_t m; ioctl(card, IOC_GET_MAGIC, &m); }
static uint32_t arg(char **argv, int i) { return (uint32_t)strtoul(argv[i], NULL, 0); }

int main(int argc, char **argv)
{
	if (argc < 9) return 2;
	const char *mode = argv[1];
	uint32_t crtc = arg(argv, 2), outp = arg(argv, 3), activep = arg(argv, 4), plane = arg(argv, 5), inp = arg(argv, 6), fbp = arg(argv, 7), crtcidp = arg(argv, 8);
	card = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (card < 0) { perror("open"); return 3; }
	struct drm_set_client_cap cap = { CLIENT_CAP_ATOMIC, 1 };
	if (ioctl(card, IOC_SET_CLIENT_CAP, &cap)) { perror("cap"); return 4; }
	struct drm_mode_get_plane gp = { .plane_id = plane };
	if (ioctl(card, IOC_GETPLANE, &gp)) { perror("getplane"); return 5; }
	struct req r;
	memset(&r, 0, sizeof r);

	if (!strcmp(mode, "crtc")) {
		int32_t f1 = -2, f2 = -2, f3 = -2, f4 = 7, f5 = 7;
		int free1 = lowest_free();
		add(&r, crtc, outp, (uintptr_t)&f1);
		int rc = commit(&r, NONBLOCK);
		printf("flip rc=%d lowest=%d cloexec=%d\n", rc, f1 == free1, (fcntl(f1, F_GETFD) & FD_CLOEXEC) != 0);
		printf("flip before-vblank readable=%d\n", readable(f1, 0));
		vblank();
		printf("flip after-vblank readable=%d\n", readable(f1, 5000));
		uint32_t magic;
		int irc = ioctl(f1, IOC_GET_MAGIC, &magic);
		printf("fence-fd drm-ioctl rc=%d errno=%d\n", irc, irc ? errno : 0);

		/* IN_FENCE_FD: the signalled fence of the first flip, and a dup of it */
		int d = dup(f1);
		add(&r, plane, fbp, gp.fb_id);
		add(&r, plane, inp, (uint64_t)(int64_t)d);
		add(&r, crtc, outp, (uintptr_t)&f2);
		rc = commit(&r, NONBLOCK);
		printf("infence rc=%d newfd=%d before-vblank readable=%d\n", rc, f2 >= 0 && f2 != f1 && f2 != d, readable(f2, 0));
		vblank();
		printf("infence after-vblank readable=%d\n", readable(f2, 5000));

		/* IN_FENCE_FD that is not a sync file: a pipe, a closed number, the DRM fd itself */
		int p[2];
		if (pipe(p)) return 6;
		add(&r, plane, inp, (uint64_t)(int64_t)p[0]);
		printf("infence pipe rc=%d\n", commit(&r, NONBLOCK));
		int closed = lowest_free();
		add(&r, plane, inp, (uint64_t)(int64_t)closed);
		printf("infence closed rc=%d\n", commit(&r, NONBLOCK));
		add(&r, plane, inp, (uint64_t)(int64_t)card);
		printf("infence card rc=%d\n", commit(&r, NONBLOCK));

		/* TEST_ONLY: no fd */
		int free2 = lowest_free();
		add(&r, crtc, outp, (uintptr_t)&f3);
		rc = commit(&r, TEST_ONLY);
		printf("testonly rc=%d value=%d leaked=%d\n", rc, f3, is_open(free2));

		/* a failing commit: turning the CRTC off without ALLOW_MODESET */
		int free3 = lowest_free();
		add(&r, crtc, activep, 0);
		add(&r, crtc, outp, (uintptr_t)&f4);
		rc = commit(&r, NONBLOCK);
		printf("failed rc=%d value=%d leaked=%d\n", rc, f4, is_open(free3));
		/* a failure after the out-fence of a writeback-less CRTC and a bad plane CRTC */
		add(&r, crtc, outp, (uintptr_t)&f5);
		add(&r, plane, crtcidp, 0xdead);
		rc = commit(&r, NONBLOCK);
		printf("failed2 rc=%d value=%d leaked=%d\n", rc, f5, is_open(free3));

		/* a forked child inherits the sync file fds (its own channel, the same DRM file) */
		pid_t pid = fork();
		if (pid == 0) {
			struct req cr;
			memset(&cr, 0, sizeof cr);
			add(&cr, plane, fbp, gp.fb_id);
			add(&cr, plane, inp, (uint64_t)(int64_t)d);
			_exit(-commit(&cr, NONBLOCK));
		}
		int status = -1;
		waitpid(pid, &status, 0);
		printf("child infence rc=%d\n", WIFEXITED(status) ? -WEXITSTATUS(status) : -1000);

		vblank(); /* the hook counts the server's sync files here */
		close(f1);
		close(d);
		close(f2);
		close(p[0]);
		close(p[1]);
	} else if (!strcmp(mode, "writeback")) {
		uint32_t conn = arg(argv, 9), wbfbp = arg(argv, 10), wboutp = arg(argv, 11);
		struct drm_mode_crtc gc = { .crtc_id = crtc };
		if (ioctl(card, IOC_GETCRTC, &gc)) { perror("getcrtc"); return 7; }
		struct drm_mode_create_dumb cd = { .height = gc.mode.vdisplay, .width = gc.mode.hdisplay, .bpp = 32 };
		if (ioctl(card, IOC_CREATE_DUMB, &cd)) { perror("dumb"); return 8; }
		struct drm_mode_fb_cmd2 fb = { .width = cd.width, .height = cd.height, .pixel_format = 0x34325258 /* XR24 */ };
		fb.handles[0] = cd.handle;
		fb.pitches[0] = cd.pitch;
		if (ioctl(card, IOC_ADDFB2, &fb)) { perror("addfb2"); return 9; }
		int32_t wf = -2;
		add(&r, conn, crtcidp, crtc);
		add(&r, conn, wbfbp, fb.fb_id);
		add(&r, conn, wboutp, (uintptr_t)&wf);
		int rc = commit(&r, NONBLOCK | ALLOW_MODESET);
		printf("writeback rc=%d fd=%d before-vblank readable=%d\n", rc, wf >= 0, wf >= 0 && readable(wf, 0));
		vblank();
		printf("writeback after-vblank readable=%d\n", wf >= 0 && readable(wf, 5000));
		close(wf);
	}
	return 0;
}
`;

const prereq = bridgePrereq();

describeBridge('bridge: sync files (out-fences, in-fences)', prereq, () => {
  const program = inlineCProgram('fences', PROGRAM);

  let vk: VkmsDevice | undefined;
  afterAll(async () => { await vk?.unplug(); });

  async function run(mode: string, extra: (vk: VkmsDevice) => number[] = () => []): Promise<{ stdout: string; stderr: string; code: number | null; fenceCounts: number[]; logs: string[] }> {
    expect(program.error).toBe('');
    await vk?.unplug();
    vk = await createVkms({ bootModeset: true }); // manual clock: vblanks happen only in the hook
    const dev = vk.device.drm, std = dev.std;
    const crtc = dev.crtcs[0]!, primary = crtc.primary!;
    let server: BridgeServer | undefined;
    const fenceCounts: number[] = [];
    const logs: string[] = [];
    const args = [crtc.id, std.OUT_FENCE_PTR.id, std.ACTIVE.id, primary.id, std.IN_FENCE_FD.id, std.FB_ID.id, std.CRTC_ID.id, ...extra(vk)];
    const d = vk;
    const r = await runWithBridge([program.exe, mode, ...args.map(String)], {
      device: vk, preload: prereq.preload, timeoutMs: 20000, log: (l) => logs.push(l),
      onServer: (s) => { server = s; },
      beforeIoctl: (name) => {
        if (name !== 'GET_MAGIC') return;
        fenceCounts.push(server!.openFences);
        d.vblank(crtc);
      },
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, fenceCounts, logs };
  }

  it('OUT_FENCE_PTR: a real fd, readable once the flip completed; IN_FENCE_FD takes it back; failures leave no fd', async () => {
    const r = await run('crtc');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const o = r.stdout;
    // uapi 2.38: a successful non-TEST commit writes a sync_file fd there — the lowest free number, close-on-exec
    expect(o).toContain('flip rc=0 lowest=1 cloexec=1\n');
    // the flip completes at the next vblank (manual clock): the fence is not signalled before it, and is after
    expect(o).toContain('flip before-vblank readable=0\n');
    expect(o).toContain('flip after-vblank readable=1\n');
    // a sync file is no DRM fd: a DRM ioctl on it does not reach the device (sync_file_ioctl: ENOTTY)
    expect(o).toContain('fence-fd drm-ioctl rc=-1 errno=25\n');
    // uapi 2.28: a valid sync file (here a dup of the first out-fence) is accepted as IN_FENCE_FD
    expect(o).toContain('infence rc=0 newfd=1 before-vblank readable=0\n');
    expect(o).toContain('infence after-vblank readable=1\n');
    // uapi 2.28: not a sync_file fd → EINVAL (a pipe, a closed number, the DRM fd)
    expect(o).toContain('infence pipe rc=-22\n');
    expect(o).toContain('infence closed rc=-22\n');
    expect(o).toContain('infence card rc=-22\n');
    // uapi 2.28 in a forked child: the inherited fd still names the sync file
    expect(o).toContain('child infence rc=0\n');
    // uapi 3.44: TEST_ONLY leaves OUT_FENCE_PTR at -1 and makes no fd
    expect(o).toContain('testonly rc=0 value=-1 leaked=0\n');
    // uapi 3.43 (ACTIVE change without ALLOW_MODESET), 3.50 / 2.38: -1 written back, the fd made for it is closed again
    expect(o).toContain('failed rc=-22 value=-1 leaked=0\n');
    expect(o).toMatch(/failed2 rc=-\d+ value=-1 leaked=0\n/);
    expect(o).not.toContain('failed2 rc=0');
    // the server's sync files: 1 after the first flip, 2 after the second, still 2 after the refused
    // and failed commits (theirs were dropped), before the program closes them
    expect(r.fenceCounts).toEqual([1, 2, 2]);
    expect(r.logs.filter((l) => /EOPNOTSUPP|internal error|protocol error|bad fence/.test(l))).toEqual([]);
  });

  it('WRITEBACK_OUT_FENCE_PTR: a real fd, readable once the writeback job finished', async () => {
    let wbId = 0;
    const r = await run('writeback', (d) => {
      const std = d.device.drm.std;
      wbId = Object.values(d.ids.writeback)[0] ?? 0;
      return [wbId, std.WRITEBACK_FB_ID!.id, std.WRITEBACK_OUT_FENCE_PTR!.id];
    });
    expect(wbId).toBeGreaterThan(0);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // uapi 2.47 / 3.27: the writeback out-fence is a sync file signalled when the job is done
    expect(r.stdout).toContain('writeback rc=0 fd=1 before-vblank readable=0\n');
    expect(r.stdout).toContain('writeback after-vblank readable=1\n');
  });
});
