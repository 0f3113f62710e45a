/**
 * PRIME and leases across the libdrm bridge: PRIME_HANDLE_TO_FD gives the C program a real fd (a
 * dma-buf socket, NEW_FD kind DMABUF) that PRIME_FD_TO_HANDLE takes back — in the same file, in a
 * second DRM file, through a dup, in a forked child — and CREATE_LEASE gives it a real DRM fd for
 * the lessee (NEW_FD kind DRM: a socket to the node attached to the lessee file) that works for
 * ioctls like an opened one. Raw ioctls with the program's own struct layouts (no libdrm headers).
 *
 * The uapi spec has no PRIME section (only 1.16, DRM_CAP_PRIME); the PRIME expectations follow
 * drm_prime.c / dma-buf.c and are named by their kernel functions. mmap of the dma-buf fd is served
 * through gem.shm like a DRM fd's.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

struct drm_set_client_cap { uint64_t capability, value; };
struct drm_mode_create_dumb { uint32_t height, width, bpp, flags, handle, pitch; uint64_t size; };
struct drm_mode_map_dumb { uint32_t handle, pad; uint64_t offset; };
struct drm_gem_close { uint32_t handle, pad; };
struct drm_prime_handle { uint32_t handle, flags; int32_t fd; };
struct drm_mode_fb_cmd2 { uint32_t fb_id, width, height, pixel_format, flags, handles[4], pitches[4], offsets[4]; uint64_t modifier[4]; };
struct drm_mode_card_res { uint64_t fb_id_ptr, crtc_id_ptr, connector_id_ptr, encoder_id_ptr; uint32_t count_fbs, count_crtcs, count_connectors, count_encoders, min_width, max_width, min_height, max_height; };
struct drm_mode_get_plane_res { uint64_t plane_id_ptr; uint32_t count_planes; };
struct drm_mode_modeinfo {
	uint32_t clock;
	uint16_t hdisplay, hsync_start, hsync_end, htotal, hskew, vdisplay, vsync_start, vsync_end, vtotal, vscan;
	uint32_t vrefresh, flags, type;
	char name[32];
};
struct drm_mode_crtc { uint64_t set_connectors_ptr; uint32_t count_connectors, crtc_id, fb_id, x, y, gamma_size, mode_valid; struct drm_mode_modeinfo mode; };
struct drm_mode_create_lease { uint64_t object_ids; uint32_t object_count, flags, lessee_id; int32_t fd; };
struct drm_mode_list_lessees { uint32_t count_lessees, pad; uint64_t lessees_ptr; };
struct drm_mode_get_lease { uint32_t count_objects, pad; uint64_t objects_ptr; };
struct drm_mode_revoke_lease { uint32_t lessee_id; };

_Static_assert(sizeof(struct drm_prime_handle) == 12, "prime");
_Static_assert(sizeof(struct drm_mode_card_res) == 64, "card_res");
_Static_assert(sizeof(struct drm_mode_get_plane_res) == 16, "plane_res");
_Static_assert(sizeof(struct drm_mode_create_lease) == 24, "create_lease");
_Static_assert(sizeof(struct drm_mode_crtc) == 104, "crtc");

#define IOC_GET_MAGIC _IOR('d', 0x02, uint32_t)
#define IOC_GEM_CLOSE _IOW('d', 0x09, struct drm_gem_close)
#define IOC_SET_CLIENT_CAP _IOW('d', 0x0d, struct drm_set_client_cap)
#define IOC_PRIME_HANDLE_TO_FD _IOWR('d', 0x2d, struct drm_prime_handle)
#define IOC_PRIME_FD_TO_HANDLE _IOWR('d', 0x2e, struct drm_prime_handle)
#define IOC_GETRESOURCES _IOWR('d', 0xa0, struct drm_mode_card_res)
#define IOC_GETCRTC _IOWR('d', 0xa1, struct drm_mode_crtc)
#define IOC_CREATE_DUMB _IOWR('d', 0xb2, struct drm_mode_create_dumb)
#define IOC_MAP_DUMB _IOWR('d', 0xb3, struct drm_mode_map_dumb)
#define IOC_GETPLANERESOURCES _IOWR('d', 0xb5, struct drm_mode_get_plane_res)
#define IOC_ADDFB2 _IOWR('d', 0xb8, struct drm_mode_fb_cmd2)
#define IOC_CREATE_LEASE _IOWR('d', 0xc6, struct drm_mode_create_lease)
#define IOC_LIST_LESSEES _IOWR('d', 0xc7, struct drm_mode_list_lessees)
#define IOC_GET_LEASE _IOWR('d', 0xc8, struct drm_mode_get_lease)
#define IOC_REVOKE_LEASE _IOWR('d', 0xc9, struct drm_mode_revoke_lease)
#define DRM_CLOEXEC O_CLOEXEC
#define DRM_RDWR O_RDWR
#define CAP_UNIVERSAL_PLANES 2

static int rc_of(int r) { return r ? -errno : 0; }
static int lowest_free(void) { int fd = open("/dev/null", O_RDONLY); close(fd); return fd; }
static int cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
/* the test's beforeIoctl hook records the server's counts here */
static void mark(int card) { uint32_t m; ioctl(card, IOC_GET_MAGIC, &m); }

static int to_fd(int card, uint32_t handle, uint32_t flags, int *fd)
{
	struct drm_prime_handle p = { handle, flags, -1 };
	int rc = rc_of(ioctl(card, IOC_PRIME_HANDLE_TO_FD, &p));
	*fd = p.fd;
	return rc;
}

static int to_handle(int card, int fd, uint32_t *handle)
{
	struct drm_prime_handle p = { 0, 0, fd };
	int rc = rc_of(ioctl(card, IOC_PRIME_FD_TO_HANDLE, &p));
	*handle = p.handle;
	return rc;
}

static int addfb(int card, uint32_t handle, uint32_t *fb_id)
{
	struct drm_mode_fb_cmd2 f = { .width = 64, .height = 64, .pixel_format = 0x34325258 /* XR24 */ };
	f.handles[0] = handle;
	f.pitches[0] = 256;
	int rc = rc_of(ioctl(card, IOC_ADDFB2, &f));
	if (fb_id) *fb_id = f.fb_id;
	return rc;
}

static unsigned char *map(int card, uint32_t handle, size_t size)
{
	struct drm_mode_map_dumb m = { handle, 0, 0 };
	if (ioctl(card, IOC_MAP_DUMB, &m)) return NULL;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, card, (off_t)m.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int prime(void)
{
	int a = open("/dev/dri/card0", O_RDWR | O_CLOEXEC), b = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (a < 0 || b < 0) { perror("open"); return 3; }
	struct drm_mode_create_dumb cd = { .height = 64, .width = 64, .bpp = 32 };
	if (ioctl(a, IOC_CREATE_DUMB, &cd)) { perror("dumb"); return 4; }
	unsigned char *px = map(a, cd.handle, cd.size);
	if (!px) { perror("map"); return 5; }
	px[0] = 0x5a; px[cd.size - 1] = 0xa5;
	munmap(px, cd.size);

	int fd1 = -1, fd2 = -1, bad = -1;
	int free1 = lowest_free();
	int rc = to_fd(a, cd.handle, DRM_CLOEXEC | DRM_RDWR, &fd1);
	printf("export rc=%d lowest=%d cloexec=%d\n", rc, fd1 == free1, fd1 >= 0 && cloexec(fd1));
	rc = to_fd(a, cd.handle, 0, &fd2);
	printf("export2 rc=%d other=%d cloexec=%d\n", rc, fd2 >= 0 && fd2 != fd1, fd2 >= 0 && cloexec(fd2));
	int free2 = lowest_free();
	printf("export badflags rc=%d leaked=%d\n", to_fd(a, cd.handle, 0x1, &bad), fcntl(free2, F_GETFD) >= 0);
	printf("export nohandle rc=%d\n", to_fd(a, 99, 0, &bad));
	mark(a);

	uint32_t h = 0, hb = 0, hb2 = 0, hd = 0, hc = 0;
	rc = to_handle(a, fd1, &h);
	printf("import same-file rc=%d same=%d\n", rc, h == cd.handle);
	rc = to_handle(a, fd2, &h);
	printf("import same-file fd2 rc=%d same=%d\n", rc, h == cd.handle);
	rc = to_handle(b, fd1, &hb);
	printf("import other-file rc=%d handle=%u\n", rc, hb);
	rc = to_handle(b, fd2, &hb2);
	printf("import other-file again rc=%d same=%d\n", rc, hb2 == hb);
	uint32_t fb = 0;
	printf("other-file addfb rc=%d\n", addfb(b, hb, &fb));
	unsigned char *pb = map(b, hb, cd.size);
	printf("other-file bytes=%d\n", pb && pb[0] == 0x5a && pb[cd.size - 1] == 0xa5);
	if (pb) munmap(pb, cd.size);
	int d = dup(fd1);
	rc = to_handle(b, d, &hd);
	printf("import dup rc=%d same=%d\n", rc, hd == hb);

	int p[2];
	if (pipe(p)) return 6;
	printf("import pipe rc=%d\n", to_handle(a, p[0], &h));
	int closed = lowest_free();
	printf("import closed rc=%d\n", to_handle(a, closed, &h));
	printf("import card rc=%d\n", to_handle(a, b, &h));
	printf("import negative rc=%d\n", to_handle(a, -1, &h));

	pid_t pid = fork();
	if (pid == 0) {
		uint32_t ch = 0;
		int crc = to_handle(b, fd1, &ch);
		_exit(crc ? 100 + (-crc) : (ch == hb ? 0 : 99));
	}
	int status = -1;
	waitpid(pid, &status, 0);
	printf("child import exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	/* the dma-buf keeps the buffer: drop every handle in a, then import again */
	struct drm_gem_close gc = { cd.handle, 0 };
	printf("gem-close rc=%d\n", rc_of(ioctl(a, IOC_GEM_CLOSE, &gc)));
	close(fd2);
	usleep(200000); /* the server sees the socket's EOF */
	mark(a);
	rc = to_handle(a, fd1, &hc);
	printf("reimport rc=%d addfb=%d\n", rc, rc ? -1 : addfb(a, hc, NULL));
	unsigned char *pc = rc ? NULL : map(a, hc, cd.size);
	printf("reimport bytes=%d\n", pc && pc[0] == 0x5a && pc[cd.size - 1] == 0xa5);
	close(fd1);
	mark(a);
	close(d);
	usleep(200000);
	mark(a);
	printf("after-close import rc=%d\n", to_handle(a, fd1, &h));

	/* mmap of a dma-buf fd (dma_buf_mmap_internal): the buffer's bytes, shared with every file's mapping */
	struct drm_mode_create_dumb c2 = { .height = 64, .width = 64, .bpp = 32 };
	if (ioctl(a, IOC_CREATE_DUMB, &c2)) { perror("dumb2"); return 7; }
	int e2 = -1;
	to_fd(a, c2.handle, DRM_CLOEXEC | DRM_RDWR, &e2);
	unsigned char *m2 = mmap(NULL, c2.size, PROT_READ | PROT_WRITE, MAP_SHARED, e2, 0);
	printf("dmabuf mmap ok=%d\n", m2 != MAP_FAILED);
	if (m2 == MAP_FAILED) return 8;
	m2[0] = 0x11; m2[4096] = 0x33; m2[c2.size - 1] = 0x22;
	unsigned char *m2b = mmap(NULL, 4096, PROT_READ, MAP_SHARED, e2, 4096);
	printf("dmabuf mmap offset ok=%d byte=%d\n", m2b != MAP_FAILED, m2b != MAP_FAILED && m2b[0] == 0x33);
	uint32_t h2 = 0;
	to_handle(b, e2, &h2);
	unsigned char *m2c = map(b, h2, c2.size);
	printf("dmabuf mmap other-file bytes=%d\n", m2c && m2c[0] == 0x11 && m2c[4096] == 0x33 && m2c[c2.size - 1] == 0x22);
	void *bad1 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, e2, (off_t)c2.size);
	int err1 = errno;
	void *bad2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, e2, 100);
	int err2 = errno;
	printf("dmabuf mmap past-end=%d unaligned=%d\n", bad1 == MAP_FAILED ? -err1 : 0, bad2 == MAP_FAILED ? -err2 : 0);
	/* a dma-buf exported without DRM_RDWR is read-only: no shared writable mapping, even through a later DRM_RDWR export */
	struct drm_mode_create_dumb c3 = { .height = 16, .width = 16, .bpp = 32 };
	if (ioctl(a, IOC_CREATE_DUMB, &c3)) { perror("dumb3"); return 9; }
	int e3 = -1, e3rw = -1;
	to_fd(a, c3.handle, DRM_CLOEXEC, &e3);
	void *w3 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, e3, 0);
	int err3 = errno;
	void *r3 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, e3, 0);
	void *p3 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, e3, 0);
	to_fd(a, c3.handle, DRM_CLOEXEC | DRM_RDWR, &e3rw);
	void *w3b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, e3rw, 0);
	int err3b = errno;
	printf("readonly dmabuf shared-write=%d read=%d private-write=%d rdwr-again=%d\n", w3 == MAP_FAILED ? -err3 : 0,
	       r3 != MAP_FAILED, p3 != MAP_FAILED, w3b == MAP_FAILED ? -err3b : 0);
	close(p[0]);
	close(p[1]);
	return 0;
}

static void res(int fd, const char *who)
{
	uint32_t crtcs[8], conns[8], planes[16];
	struct drm_mode_card_res r;
	memset(&r, 0, sizeof r);
	r.crtc_id_ptr = (uintptr_t)crtcs; r.connector_id_ptr = (uintptr_t)conns;
	r.count_crtcs = 8; r.count_connectors = 8;
	int rc = rc_of(ioctl(fd, IOC_GETRESOURCES, &r));
	struct drm_mode_get_plane_res pr = { (uintptr_t)planes, 16 };
	int prc = rc_of(ioctl(fd, IOC_GETPLANERESOURCES, &pr));
	printf("%s res rc=%d crtcs=%u", who, rc, r.count_crtcs);
	for (uint32_t i = 0; i < r.count_crtcs && i < 8; i++) printf(":%u", crtcs[i]);
	printf(" connectors=%u", r.count_connectors);
	for (uint32_t i = 0; i < r.count_connectors && i < 8; i++) printf(":%u", conns[i]);
	printf(" planes rc=%d n=%u", prc, pr.count_planes);
	for (uint32_t i = 0; i < pr.count_planes && i < 16; i++) printf(":%u", planes[i]);
	printf("\n");
}

static int lessees(int card, uint32_t *ids)
{
	struct drm_mode_list_lessees l = { 8, 0, (uintptr_t)ids };
	if (ioctl(card, IOC_LIST_LESSEES, &l)) return -errno;
	return (int)l.count_lessees;
}

static int lease(uint32_t crtc, uint32_t conn, uint32_t plane)
{
	int a = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (a < 0) { perror("open"); return 3; }
	struct drm_set_client_cap cap = { CAP_UNIVERSAL_PLANES, 1 };
	/* ATOMIC then WRITEBACK_CONNECTORS: the lessor also lists the writeback connector */
	struct drm_set_client_cap atomic = { 3, 1 }, wb = { 5, 1 };
	if (ioctl(a, IOC_SET_CLIENT_CAP, &cap) || ioctl(a, IOC_SET_CLIENT_CAP, &atomic) || ioctl(a, IOC_SET_CLIENT_CAP, &wb)) { perror("cap"); return 4; }
	res(a, "lessor");
	uint32_t objs[3] = { crtc, conn, plane };
	int free1 = lowest_free();
	struct drm_mode_create_lease cl = { (uintptr_t)objs, 3, O_CLOEXEC, 0, -1 };
	int rc = rc_of(ioctl(a, IOC_CREATE_LEASE, &cl));
	int L = cl.fd;
	printf("lease rc=%d lowest=%d cloexec=%d lessee_id=%u\n", rc, L == free1, L >= 0 && cloexec(L), cl.lessee_id);
	if (rc) return 5;
	struct stat st;
	int src = fstat(L, &st);
	char link[64] = "", path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", L);
	ssize_t n = readlink(path, link, sizeof link - 1);
	if (n >= 0) link[n] = 0;
	printf("lessee fstat rc=%d chr=%d major=%u link=%s\n", src, S_ISCHR(st.st_mode), major(st.st_rdev), link);
	if (ioctl(L, IOC_SET_CLIENT_CAP, &cap) || ioctl(L, IOC_SET_CLIENT_CAP, &atomic) || ioctl(L, IOC_SET_CLIENT_CAP, &wb)) { perror("lessee cap"); return 6; }
	res(L, "lessee");
	uint32_t got[16];
	struct drm_mode_get_lease gl = { 16, 0, (uintptr_t)got };
	rc = rc_of(ioctl(L, IOC_GET_LEASE, &gl));
	printf("lessee get-lease rc=%d n=%u", rc, gl.count_objects);
	for (uint32_t i = 0; i < gl.count_objects && i < 16; i++) printf(":%u", got[i]);
	printf("\n");
	struct drm_mode_crtc gc = { .crtc_id = crtc };
	printf("lessee getcrtc rc=%d\n", rc_of(ioctl(L, IOC_GETCRTC, &gc)));
	struct drm_mode_create_lease sub = { (uintptr_t)objs, 3, 0, 0, -1 };
	printf("lessee sublease rc=%d\n", rc_of(ioctl(L, IOC_CREATE_LEASE, &sub)));

	uint32_t ids[8];
	int nl = lessees(a, ids);
	printf("lessor lessees n=%d first=%d\n", nl, nl > 0 && ids[0] == cl.lessee_id);
	struct drm_mode_create_lease again = { (uintptr_t)objs, 3, 0, 0, -1 };
	printf("lease again rc=%d\n", rc_of(ioctl(a, IOC_CREATE_LEASE, &again)));
	struct drm_mode_create_lease badflags = { (uintptr_t)objs, 3, 0x1, 0, -1 };
	printf("lease badflags rc=%d\n", rc_of(ioctl(a, IOC_CREATE_LEASE, &badflags)));

	struct drm_mode_revoke_lease rv = { cl.lessee_id };
	printf("revoke rc=%d\n", rc_of(ioctl(a, IOC_REVOKE_LEASE, &rv)));
	printf("lessor lessees after-revoke n=%d\n", lessees(a, ids));
	res(L, "revoked");
	printf("revoked getcrtc rc=%d\n", rc_of(ioctl(L, IOC_GETCRTC, &gc)));
	gl.count_objects = 16;
	rc = rc_of(ioctl(L, IOC_GET_LEASE, &gl));
	printf("revoked get-lease rc=%d n=%u\n", rc, gl.count_objects);

	/* the objects are free again: a second lease, without O_CLOEXEC */
	struct drm_mode_create_lease cl2 = { (uintptr_t)objs, 3, 0, 0, -1 };
	rc = rc_of(ioctl(a, IOC_CREATE_LEASE, &cl2));
	printf("lease2 rc=%d cloexec=%d lessee_id=%u\n", rc, cl2.fd >= 0 && cloexec(cl2.fd), cl2.lessee_id);
	int L2 = dup(cl2.fd);
	close(cl2.fd);
	struct drm_mode_crtc gc2 = { .crtc_id = crtc };
	printf("lease2 dup getcrtc rc=%d\n", rc_of(ioctl(L2, IOC_GETCRTC, &gc2)));
	printf("lessor lessees lease2 n=%d\n", lessees(a, ids));
	mark(a);
	close(L2);
	close(L);
	usleep(200000); /* the server sees both sockets' EOF: drm_release of the lessee files */
	mark(a);
	printf("lessor lessees after-close n=%d\n", lessees(a, ids));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	if (!strcmp(argv[1], "prime")) return prime();
	if (!strcmp(argv[1], "lease") && argc >= 5) return lease((uint32_t)strtoul(argv[2], NULL, 0), (uint32_t)strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0));
	return 2;
}
`;

const prereq = bridgePrereq();

describeBridge('bridge: PRIME dma-buf fds and lessee DRM fds', prereq, () => {
  const program = inlineCProgram('prime-lease', PROGRAM, { strict: true, flags: ['-Werror'] });

  let vk: VkmsDevice | undefined;
  afterAll(async () => { await vk?.unplug(); });

  async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null; marks: { dmabufs: number; files: number }[]; logs: string[] }> {
    expect(program.error).toBe('');
    await vk?.unplug();
    vk = await createVkms({ bootModeset: true });
    let server: BridgeServer | undefined;
    const marks: { dmabufs: number; files: number }[] = [];
    const logs: string[] = [];
    const r = await runWithBridge([program.exe, ...args], {
      device: vk, preload: prereq.preload, timeoutMs: 20000, log: (l) => logs.push(l),
      onServer: (s) => { server = s; },
      beforeIoctl: (name) => { if (name === 'GET_MAGIC') marks.push({ dmabufs: server!.openDmaBufs, files: server!.openFiles }); },
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, marks, logs };
  }

  it('PRIME: export gives a real fd; import finds the same buffer in any file, through dups and forks; bad fds are refused', async () => {
    const r = await run(['prime']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const o = r.stdout;
    // drm_prime_handle_to_fd_ioctl → dma_buf_fd(flags): the lowest free number; close-on-exec only with DRM_CLOEXEC
    expect(o).toContain('export rc=0 lowest=1 cloexec=1\n');
    expect(o).toContain('export2 rc=0 other=1 cloexec=0\n');
    // flags outside DRM_CLOEXEC | DRM_RDWR → EINVAL, no fd made; an unknown handle → ENOENT
    expect(o).toContain('export badflags rc=-22 leaked=0\n');
    expect(o).toContain('export nohandle rc=-2\n');
    // drm_prime_lookup_buf_handle: importing into the exporting file gives back its own handle
    expect(o).toContain('import same-file rc=0 same=1\n');
    expect(o).toContain('import same-file fd2 rc=0 same=1\n');
    // another file of the same device: a new handle there, the lowest free (uapi 5.24), stable on re-import
    expect(o).toContain('import other-file rc=0 handle=1\n');
    expect(o).toContain('import other-file again rc=0 same=1\n');
    // the imported handle is a GEM handle of that file: ADDFB2 accepts it (uapi 5.8), and it is the same memory
    expect(o).toContain('other-file addfb rc=0\n');
    expect(o).toContain('other-file bytes=1\n');
    // a dup of the dma-buf fd and the fd inherited by a forked child name the same buffer
    expect(o).toContain('import dup rc=0 same=1\n');
    expect(o).toContain('child import exit=0\n');
    // dma_buf_get: not a dma-buf (a pipe, the DRM fd) → EINVAL; not open (a closed number, -1) → EBADF
    expect(o).toContain('import pipe rc=-22\n');
    expect(o).toContain('import closed rc=-9\n');
    expect(o).toContain('import card rc=-22\n');
    expect(o).toContain('import negative rc=-9\n');
    // the dma-buf holds the object: with no handle left in the exporter, the fd still imports it
    expect(o).toContain('gem-close rc=0\n');
    expect(o).toContain('reimport rc=0 addfb=0\n');
    expect(o).toContain('reimport bytes=1\n');
    // once the last copy is closed the number is no dma-buf any more
    expect(o).toContain('after-close import rc=-9\n');
    // mmap of the dma-buf fd: the buffer's bytes at offset 0, a later page at its offset, the same memory as another file's MAP_DUMB mapping
    expect(o).toContain('dmabuf mmap ok=1\n');
    expect(o).toContain('dmabuf mmap offset ok=1 byte=1\n');
    expect(o).toContain('dmabuf mmap other-file bytes=1\n');
    // dma_buf_mmap_internal: a range past the buffer's end → EINVAL; mmap(2): an unaligned offset → EINVAL
    expect(o).toContain('dmabuf mmap past-end=-22 unaligned=-22\n');
    // the dma-buf file's mode is the first export's (obj->dma_buf is reused): without DRM_RDWR, MAP_SHARED+PROT_WRITE → EACCES
    expect(o).toContain('readonly dmabuf shared-write=-13 read=1 private-write=1 rdwr-again=-13\n');
    // the server's references: 2 exports; fd2 closed → 1 (fd1 and its dup d share one socket); then 1 until d closes → 0
    expect(r.marks.map((m) => m.dmabufs)).toEqual([2, 1, 1, 0]);
    expect(r.logs.filter((l) => /EOPNOTSUPP|internal error|protocol error|bad /.test(l))).toEqual([]);
  });

  it('CREATE_LEASE: the lessee fd is a DRM fd that sees only its lease; LIST_LESSEES and REVOKE_LEASE work through it', async () => {
    const dev = await createVkms({ bootModeset: true });
    const drm = dev.device.drm;
    const crtc = drm.crtcs[0]!, conn = drm.connectors.find((c) => c.type !== 18 /* writeback */)!, plane = crtc.primary!;
    await dev.unplug();
    const r = await run(['lease', String(crtc.id), String(conn.id), String(plane.id)]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const o = r.stdout;
    const lessor = /lessor res rc=0 crtcs=(\d+)\S* connectors=(\d+)\S* planes rc=0 n=(\d+)/.exec(o);
    expect(lessor, o).not.toBeNull();
    // the lessor sees more than it leases (the writeback connector, the cursor and overlay planes)
    expect(Number(lessor![2])).toBeGreaterThan(1);
    expect(Number(lessor![3])).toBeGreaterThan(1);
    // uapi 6.17: a new fd (lowest free, close-on-exec as asked) and lessee_id 1
    expect(o).toContain('lease rc=0 lowest=1 cloexec=1 lessee_id=1\n');
    // it is a DRM fd: a character device 226:N, /proc/self/fd says /dev/dri/card0
    expect(o).toContain('lessee fstat rc=0 chr=1 major=226 link=/dev/dri/card0\n');
    // uapi 6.19: the lessee lists only its leased CRTC, connector and plane
    expect(o).toContain(`lessee res rc=0 crtcs=1:${crtc.id} connectors=1:${conn.id} planes rc=0 n=1:${plane.id}\n`);
    // uapi 6.21 / 6.17: GET_LEASE (a master ioctl, 6.3: the lessee is master) lists the leased IDs
    expect(o).toContain(`lessee get-lease rc=0 n=3:${[crtc.id, conn.id, plane.id].sort((x, y) => x - y).join(':')}\n`);
    expect(o).toContain('lessee getcrtc rc=0\n');
    // uapi 6.11: a lessee cannot sub-lease; bad flags → EINVAL
    expect(o).toContain('lessee sublease rc=-22\n');
    expect(o).toContain('lease badflags rc=-22\n');
    // uapi 6.21: the lessor lists its lessee; 6.16: its objects cannot be leased twice
    expect(o).toContain('lessor lessees n=1 first=1\n');
    expect(o).toContain('lease again rc=-16\n');
    // uapi 6.22: revoked → no longer listed, the lessee sees nothing (6.18: ENOENT on its old CRTC)
    expect(o).toContain('revoke rc=0\n');
    expect(o).toContain('lessor lessees after-revoke n=0\n');
    expect(o).toContain('revoked res rc=0 crtcs=0 connectors=0 planes rc=0 n=0\n');
    expect(o).toContain('revoked getcrtc rc=-2\n');
    expect(o).toContain('revoked get-lease rc=0 n=0\n');
    // the objects are free again (6.16 no longer applies); without O_CLOEXEC the fd is inherited on exec; a dup works
    expect(o).toMatch(/lease2 rc=0 cloexec=0 lessee_id=\d+\n/);
    expect(o).toContain('lease2 dup getcrtc rc=0\n');
    // closing the lessee's last fd releases its file: the lessee leaves the lessor's list (drm_lease_destroy)
    expect(o).toContain('lessor lessees lease2 n=1\n');
    expect(o).toContain('lessor lessees after-close n=0\n');
    // open files on the server: lessor + 2 lessees, then the lessee files are released when their fds close
    expect(r.marks.map((m) => m.files)).toEqual([3, 1]);
    expect(r.logs.filter((l) => /EOPNOTSUPP|internal error|protocol error|bad /.test(l))).toEqual([]);
  });
});
