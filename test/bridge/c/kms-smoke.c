/*
 * kms-smoke: a small libdrm program of our own, run through the bridge by
 * test/bridge/c-program.test.ts (and usable against a real VKMS card).
 *
 * Steps: drmGetDevices2/drmGetDevice2 + drmGetVersion, client caps, the pipe (connector, CRTC,
 * primary plane, property ids by name), two dumb buffers drawn through mmap + drmModeAddFB2, an
 * atomic modeset, page flips with events read by drmHandleEvent (and their timestamps on the
 * caller's CLOCK_MONOTONIC, as DRM_CAP_TIMESTAMP_MONOTONIC says), TEST_ONLY commits with bad values,
 * an atomic flip with OUT_FENCE_PTR and poll() on the fence.
 *
 * Output: one line per step, "ok <step> [key=value...]" or "FAIL <step> <errno> [detail]".
 * Exit status: 0 when every step printed ok, 1 otherwise. A failing step does not stop the
 * program when the later steps can still run.
 *
 * Pattern of buffer k (XRGB8888, little-endian 32-bit words): pixel (x, y) =
 *   (x & 0xff) << 16 | (y & 0xff) << 8 | (k ? 0xc0 : 0x40)
 *
 * Build: gcc -Wall -O2 kms-smoke.c $(pkg-config --cflags --libs libdrm)
 * Usage: kms-smoke [flips]   (default 8; the node is /dev/dri/card0)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

static int failures;

#define OK(step, ...) do { printf("ok " step __VA_ARGS__); putchar('\n'); fflush(stdout); } while (0)
static void fail(const char *step, int err, const char *detail)
{
	printf("FAIL %s %d %s\n", step, err, detail ? detail : strerror(err));
	fflush(stdout);
	failures++;
}

struct buf {
	uint32_t handle, pitch, fb;
	uint64_t size;
	uint32_t *map;
};

static uint32_t pattern(unsigned k, unsigned x, unsigned y)
{
	return (x & 0xff) << 16 | (y & 0xff) << 8 | (k ? 0xc0 : 0x40);
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;
	if (!props) return 0;
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
		if (p && strcmp(p->name, name) == 0) id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, uint32_t prop)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = ~0ull;
	if (!props) return v;
	for (uint32_t i = 0; i < props->count_props; i++)
		if (props->props[i] == prop) v = props->prop_values[i];
	drmModeFreeObjectProperties(props);
	return v;
}

/* page_flip_handler2 state */
struct flipstate {
	uint32_t crtc;
	int events, bad, clock_bad;
	unsigned last_seq;
	uint64_t last_us;
	double frame_us;
	char why[160], clock_why[160];
};

static void flip_handler(int fd, unsigned seq, unsigned sec, unsigned usec, unsigned crtc_id, void *data)
{
	struct flipstate *s = data;
	uint64_t us = (uint64_t)sec * 1000000u + usec;
	(void)fd;
	if (crtc_id != s->crtc && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof s->why, "crtc_id=%u expected %u", crtc_id, s->crtc);
	}
	if (s->events > 0 && !s->bad) {
		unsigned dseq = seq - s->last_seq;
		if (dseq < 1 || dseq > 1000) {
			s->bad = 1;
			snprintf(s->why, sizeof s->why, "sequence %u after %u", seq, s->last_seq);
		} else if (us < s->last_us) {
			s->bad = 1;
			snprintf(s->why, sizeof s->why, "timestamp went back %" PRIu64 " -> %" PRIu64, s->last_us, us);
		} else {
			/* vblank timestamps: dseq frames apart (within a quarter frame) */
			double d = (double)(us - s->last_us), want = dseq * s->frame_us;
			if (d < want - s->frame_us / 4 || d > want + s->frame_us / 4) {
				s->bad = 1;
				snprintf(s->why, sizeof s->why, "timestamps %.0fus apart for %u frames (frame %.0fus)", d, dseq, s->frame_us);
			}
		}
	}
	/* DRM_CAP_TIMESTAMP_MONOTONIC: the vblank time is CLOCK_MONOTONIC, in the past, and recent */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t now_us = (uint64_t)now.tv_sec * 1000000u + now.tv_nsec / 1000;
	if (!s->clock_bad && (us > now_us + 1000 || now_us - us > 1000000)) {
		s->clock_bad = 1;
		snprintf(s->clock_why, sizeof s->clock_why, "event time %" PRIu64 "us, CLOCK_MONOTONIC now %" PRIu64 "us", us, now_us);
	}
	s->last_seq = seq;
	s->last_us = us;
	s->events++;
}

/* wait for one event with poll() + drmHandleEvent; 0 or errno */
static int wait_event(int fd, drmEventContext *ev, struct flipstate *s)
{
	int before = s->events;
	while (s->events == before) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 2000);
		if (r < 0 && errno == EINTR) continue;
		if (r < 0) return errno;
		if (r == 0) return ETIMEDOUT;
		if (drmHandleEvent(fd, ev) != 0) return errno ? errno : EIO;
	}
	return 0;
}

static int create_buf(int fd, unsigned k, uint32_t w, uint32_t h, struct buf *b)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c)) return errno;
	b->handle = c.handle; b->pitch = c.pitch; b->size = c.size;
	m.handle = c.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m)) return errno;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (b->map == MAP_FAILED) { b->map = NULL; return errno; }
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			b->map[y * (b->pitch / 4) + x] = pattern(k, x, y);
	handles[0] = b->handle; pitches[0] = b->pitch;
	if (drmModeAddFB2(fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &b->fb, 0)) return errno;
	return 0;
}

int main(int argc, char **argv)
{
	int nflips = argc > 1 ? atoi(argv[1]) : 8;
	const char *node = "/dev/dri/card0";
	drmDevicePtr devs[8], dev = NULL;
	int fd, n, err;

	/* 1. device enumeration */
	n = drmGetDevices2(0, devs, 8);
	if (n < 1) fail("get-devices2", n < 0 ? -n : ENODEV, "no devices");
	else {
		int found = -1;
		for (int i = 0; i < n; i++)
			if ((devs[i]->available_nodes & (1 << DRM_NODE_PRIMARY)) && strcmp(devs[i]->nodes[DRM_NODE_PRIMARY], node) == 0) found = i;
		if (found < 0) fail("get-devices2", ENOENT, "no device with node /dev/dri/card0");
		else if (devs[found]->bustype != DRM_BUS_PLATFORM) fail("get-devices2", EINVAL, "not a platform device");
		else OK("get-devices2", " count=%d bus=platform node=%s fullname=%s", n, devs[found]->nodes[DRM_NODE_PRIMARY],
			devs[found]->businfo.platform ? devs[found]->businfo.platform->fullname : "?");
		drmFreeDevices(devs, n);
	}

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) { fail("open", errno, NULL); return 1; }
	OK("open", " node=%s", node);

	err = drmGetDevice2(fd, 0, &dev);
	if (err) fail("get-device2", -err, NULL);
	else if (dev->bustype != DRM_BUS_PLATFORM) fail("get-device2", EINVAL, "not a platform device");
	else if (!(dev->available_nodes & (1 << DRM_NODE_PRIMARY)) || strcmp(dev->nodes[DRM_NODE_PRIMARY], node) != 0) fail("get-device2", EINVAL, "wrong primary node");
	else OK("get-device2", " bus=platform node=%s", dev->nodes[DRM_NODE_PRIMARY]);
	if (dev) drmFreeDevice(&dev);

	drmVersionPtr ver = drmGetVersion(fd);
	if (!ver) fail("version", errno, NULL);
	else if (strcmp(ver->name, "vkms") != 0) fail("version", EINVAL, ver->name);
	else OK("version", " name=%s major=%d minor=%d", ver->name, ver->version_major, ver->version_minor);
	drmFreeVersion(ver);

	/* 2. client caps */
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) || drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		fail("client-caps", errno, NULL);
		return 1;
	}
	OK("client-caps", "");

	/* 3. the pipe */
	drmModeRes *res = drmModeGetResources(fd);
	if (!res) { fail("pipe", errno, "GETRESOURCES"); return 1; }
	drmModeConnector *conn = NULL;
	for (int i = 0; i < res->count_connectors && !conn; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0) conn = c;
		else drmModeFreeConnector(c);
	}
	if (!conn) { fail("pipe", ENOENT, "no connected connector with modes"); return 1; }
	drmModeModeInfo mode = conn->modes[0];
	for (int i = 0; i < conn->count_modes; i++)
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) { mode = conn->modes[i]; break; }
	uint32_t crtc = 0; int crtc_index = -1;
	for (int e = 0; e < conn->count_encoders && !crtc; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoders[e]);
		if (!enc) continue;
		for (int i = 0; i < res->count_crtcs; i++)
			if (enc->possible_crtcs & (1u << i)) { crtc = res->crtcs[i]; crtc_index = i; break; }
		drmModeFreeEncoder(enc);
	}
	if (!crtc) { fail("pipe", ENOENT, "no CRTC for the connector"); return 1; }
	drmModePlaneRes *pres = drmModeGetPlaneResources(fd);
	uint32_t plane = 0;
	for (uint32_t i = 0; pres && i < pres->count_planes && !plane; i++) {
		drmModePlane *p = drmModeGetPlane(fd, pres->planes[i]);
		if (p && (p->possible_crtcs & (1u << crtc_index))) {
			uint32_t tp = prop_id(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type");
			if (tp && prop_value(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, tp) == DRM_PLANE_TYPE_PRIMARY) plane = p->plane_id;
		}
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
	if (!plane) { fail("pipe", ENOENT, "no primary plane"); return 1; }

	struct {
		uint32_t conn_crtc, mode_id, active, out_fence, fb, pcrtc, sx, sy, sw, sh, cx, cy, cw, ch;
	} P = {
		prop_id(fd, conn->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
		prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"),
		prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"),
		prop_id(fd, crtc, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_X"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_W"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_H"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"),
		prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H"),
	};
	uint32_t *pv = (uint32_t *)&P;
	for (unsigned i = 0; i < sizeof P / sizeof *pv; i++)
		if (!pv[i]) { fail("pipe", ENOENT, "a property is missing"); return 1; }
	uint32_t w = mode.hdisplay, h = mode.vdisplay;
	OK("pipe", " connector=%u crtc=%u plane=%u mode=%ux%u@%u", conn->connector_id, crtc, plane, w, h, mode.vrefresh);

	/* 4. dumb buffers */
	struct buf bufs[2] = { { 0 } };
	for (unsigned k = 0; k < 2; k++) {
		if ((err = create_buf(fd, k, w, h, &bufs[k]))) { fail("dumb-buffers", err, NULL); return 1; }
	}
	OK("dumb-buffers", " fb0=%u fb1=%u pitch=%u size=%" PRIu64, bufs[0].fb, bufs[1].fb, bufs[0].pitch, bufs[0].size);

	/* 5. atomic modeset */
	uint32_t blob = 0;
	if (drmModeCreatePropertyBlob(fd, &mode, sizeof mode, &blob)) { fail("modeset", errno, "CREATEPROPBLOB"); return 1; }
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, conn->connector_id, P.conn_crtc, crtc);
	drmModeAtomicAddProperty(req, crtc, P.mode_id, blob);
	drmModeAtomicAddProperty(req, crtc, P.active, 1);
	drmModeAtomicAddProperty(req, plane, P.fb, bufs[0].fb);
	drmModeAtomicAddProperty(req, plane, P.pcrtc, crtc);
	drmModeAtomicAddProperty(req, plane, P.sx, 0);
	drmModeAtomicAddProperty(req, plane, P.sy, 0);
	drmModeAtomicAddProperty(req, plane, P.sw, (uint64_t)w << 16);
	drmModeAtomicAddProperty(req, plane, P.sh, (uint64_t)h << 16);
	drmModeAtomicAddProperty(req, plane, P.cx, 0);
	drmModeAtomicAddProperty(req, plane, P.cy, 0);
	drmModeAtomicAddProperty(req, plane, P.cw, w);
	drmModeAtomicAddProperty(req, plane, P.ch, h);
	if (drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL)) { fail("modeset", errno, NULL); return 1; }
	drmModeAtomicFree(req);
	OK("modeset", " fb=%u", bufs[0].fb);
	unsigned cur = 0;

	/* 6. page flips with events */
	struct flipstate fs = { .crtc = crtc };
	fs.frame_us = 1e9 / ((double)mode.clock * 1000.0 / ((double)mode.htotal * mode.vtotal)) / 1000.0;
	drmEventContext ev = { .version = 3, .page_flip_handler2 = flip_handler };
	for (int i = 0; i < nflips; i++) {
		unsigned next = cur ^ 1;
		req = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(req, plane, P.fb, bufs[next].fb);
		err = drmModeAtomicCommit(fd, req, DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, &fs) ? errno : 0;
		drmModeAtomicFree(req);
		if (err) { fail("flips", err, "commit"); break; }
		cur = next;
		if ((err = wait_event(fd, &ev, &fs))) { fail("flips", err, "waiting for the event"); break; }
		if (fs.bad) { fail("flips", EINVAL, fs.why); break; }
	}
	if (fs.events == nflips && !fs.bad) OK("flips", " count=%d last_seq=%u frame_us=%.0f", fs.events, fs.last_seq, fs.frame_us);
	uint64_t mono = 0;
	if (drmGetCap(fd, DRM_CAP_TIMESTAMP_MONOTONIC, &mono) || mono != 1) fail("flip-clock", errno ? errno : EPROTO, "DRM_CAP_TIMESTAMP_MONOTONIC is not 1");
	else if (fs.events == 0) fail("flip-clock", ENOENT, "no events");
	else if (fs.clock_bad) fail("flip-clock", EPROTO, fs.clock_why);
	else OK("flip-clock", " monotonic=1");

	/* 7. TEST_ONLY commits with bad values: nothing changes */
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, crtc, P.active, 2); /* ACTIVE is a range 0..1 */
	err = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL) ? errno : 0;
	drmModeAtomicFree(req);
	if (err == EINVAL) OK("test-only-range", " errno=EINVAL");
	else fail("test-only-range", err ? err : EPROTO, err ? NULL : "succeeded; want EINVAL");
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, plane, P.sw, (uint64_t)(w + 1) << 16); /* source past the FB */
	err = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL) ? errno : 0;
	drmModeAtomicFree(req);
	if (err == ENOSPC) OK("test-only-src", " errno=ENOSPC");
	else fail("test-only-src", err ? err : EPROTO, err ? NULL : "succeeded; want ENOSPC");
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, plane, P.fb, bufs[cur ^ 1].fb);
	err = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL) ? errno : 0;
	drmModeAtomicFree(req);
	if (err) fail("test-only-good", err, NULL);
	else if (prop_value(fd, plane, DRM_MODE_OBJECT_PLANE, P.fb) != bufs[cur].fb) fail("test-only-good", EPROTO, "TEST_ONLY changed FB_ID");
	else OK("test-only-good", "");

	/* 8. an atomic flip with OUT_FENCE_PTR, poll() on the fence */
	int32_t fence = -1;
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, plane, P.fb, bufs[cur ^ 1].fb);
	drmModeAtomicAddProperty(req, crtc, P.out_fence, (uint64_t)(uintptr_t)&fence);
	err = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_NONBLOCK, NULL) ? errno : 0;
	drmModeAtomicFree(req);
	if (err) fail("out-fence", err, NULL);
	else if (fence < 0) fail("out-fence", EBADF, "no fence fd written");
	else {
		cur ^= 1;
		struct pollfd p = { .fd = fence, .events = POLLIN };
		int r;
		do r = poll(&p, 1, 2000); while (r < 0 && errno == EINTR);
		if (r < 0) fail("out-fence", errno, "poll");
		else if (r == 0) fail("out-fence", ETIMEDOUT, "the fence did not signal");
		else if (!(p.revents & POLLIN)) fail("out-fence", EIO, "poll revents without POLLIN");
		else OK("out-fence", " fd=%d", fence);
		close(fence);
	}

	/* what is on the screen now (the test reads the device before the first RMFB) */
	uint64_t onplane = prop_value(fd, plane, DRM_MODE_OBJECT_PLANE, P.fb);
	if (onplane != bufs[cur].fb) fail("current", EPROTO, "plane FB_ID is not the last flipped buffer");
	else OK("current", " buf=%u fb=%u", cur, bufs[cur].fb);

	/* 9. cleanup */
	for (unsigned k = 0; k < 2; k++) {
		struct drm_mode_destroy_dumb d = { .handle = bufs[k].handle };
		if (drmModeRmFB(fd, bufs[k].fb)) fail("cleanup", errno, "RMFB");
		munmap(bufs[k].map, bufs[k].size);
		if (drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d)) fail("cleanup", errno, "DESTROY_DUMB");
	}
	drmModeDestroyPropertyBlob(fd, blob);
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	if (close(fd)) fail("cleanup", errno, "close");
	else OK("cleanup", "");

	printf("%s failures=%d\n", failures ? "FAIL summary" : "ok summary", failures);
	return failures ? 1 : 0;
}
