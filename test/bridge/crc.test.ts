/**
 * The debugfs CRC files across the libdrm bridge: /sys/kernel/debug/dri/0/crtc-N/crc/{control,data},
 * as IGT's igt_pipe_crc uses them (it writes the source to crc/control, opens crc/data — O_NONBLOCK
 * in its non-blocking mode — and read()s one line per entry with a buffer of MAX_LINE_LEN). The
 * semantics are drivers/gpu/drm/drm_debugfs_crc.c's. The C program uses only libc calls (no libdrm
 * headers); the manual clock is stepped by a beforeIoctl hook on DRM_IOCTL_GET_MAGIC, which the
 * program calls where it wants a vblank.
 */
import { afterAll, expect, it } from 'vitest';
import { crcRecord } from '../../src/bridge/debugfs-crc.js';
import { runWithBridge } from '../../src/bridge/run.js';
import { vblankOf } from '../../src/drm/driver/index.js';
import { createVkms, type VkmsDevice } from '../../src/vkms/device.js';
import { bridgePrereq, describeBridge, inlineCProgram } from './bridge-env.js';

const PROGRAM = String.raw`
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define IOC_GET_MAGIC _IOR('d', 0x02, uint32_t)
#define CRCDIR "/sys/kernel/debug/dri/0/crtc-0/crc"

static int card;
/* the test's beforeIoctl hook steps the manual clock by one vblank */
static void vblank(void) { uint32_t m; ioctl(card, IOC_GET_MAGIC, &m); }
static int err(long rc) { return rc < 0 ? errno : 0; }
static long ms_now(void) { struct timeval t; gettimeofday(&t, NULL); return t.tv_sec * 1000L + t.tv_usec / 1000; }

static void show(const char *what, const char *buf, long n)
{
	printf("%s n=%ld text=", what, n);
	for (long i = 0; i < n; i++) {
		if (buf[i] == '\n') printf("\\n");
		else if (buf[i] == '\0') printf("\\0");
		else putchar(buf[i]);
	}
	printf("\n");
}

static int readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int n = poll(&p, 1, ms);
	return n > 0 && (p.revents & POLLIN) != 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	card = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (card < 0) { perror("open card0"); return 3; }
	char buf[256];

	if (!strcmp(argv[1], "off")) {
		int d = open(CRCDIR "/data", O_RDONLY);
		printf("off open rc=%d errno=%d\n", d < 0 ? -1 : 0, d < 0 ? errno : 0);
		return 0;
	}

	/* the tree: directories and regular files, as debugfs shows them */
	struct stat st;
	int rc = stat(CRCDIR, &st);
	printf("stat dir rc=%d isdir=%d\n", rc, S_ISDIR(st.st_mode));
	rc = stat(CRCDIR "/control", &st);
	printf("stat control rc=%d isreg=%d size=%ld\n", rc, S_ISREG(st.st_mode), (long)st.st_size);
	rc = stat(CRCDIR "/data", &st);
	printf("stat data rc=%d isreg=%d\n", rc, S_ISREG(st.st_mode));
	DIR *dir = opendir(CRCDIR);
	int nreg = 0, nother = 0;
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (e->d_name[0] == '.') continue;
		if ((!strcmp(e->d_name, "control") || !strcmp(e->d_name, "data")) && e->d_type == DT_REG) nreg++;
		else nother++;
	}
	if (dir) closedir(dir);
	printf("readdir reg=%d other=%d\n", nreg, nother);

	int ctl = open(CRCDIR "/control", O_RDWR);
	if (ctl < 0) { perror("open control"); return 4; }
	long n = read(ctl, buf, sizeof buf);
	show("control read", buf, n);
	printf("control read again n=%ld\n", (long)read(ctl, buf, sizeof buf));
	long w = write(ctl, "bogus\n", 6);
	printf("control write bogus rc=%ld errno=%d\n", w, err(w));
	w = write(ctl, "auto\n", 5);
	printf("control write auto rc=%ld errno=%d\n", w, err(w));
	int ctl2 = open(CRCDIR "/control", O_RDONLY);
	n = read(ctl2, buf, sizeof buf);
	show("control reread", buf, n);
	w = write(ctl2, "auto", 4);
	printf("control write on O_RDONLY rc=%ld errno=%d\n", w, err(w));
	/* closed behind the library's back (as stdio's internal close would): the number's next file is its own */
	syscall(SYS_close, ctl2);
	int nul = open("/dev/null", O_WRONLY);
	w = write(nul, "x", 1);
	printf("stale number write rc=%ld reused=%d\n", w, nul == ctl2);
	close(nul);

	/* IGT's way: openat() relative to the debugfs dri/<minor> directory, control O_WRONLY */
	int dfd = open("/sys/kernel/debug/dri/0", O_RDONLY | O_DIRECTORY);
	int igt = openat(dfd, "crtc-0/crc/control", O_WRONLY);
	n = read(igt, buf, sizeof buf);
	printf("igt control read rc=%ld errno=%d\n", n, err(n));
	w = write(igt, "auto", 0);
	printf("igt control write0 rc=%ld\n", w);
	static char big[8192];
	memset(big, 'a', sizeof big);
	w = write(igt, big, sizeof big);
	printf("igt control write big rc=%ld errno=%d\n", w, err(w));
	w = write(igt, "auto", 4);
	printf("igt control write rc=%ld errno=%d\n", w, err(w));
	close(igt);
	close(dfd);

	int data = open(CRCDIR "/data", O_RDONLY);
	if (data < 0) { perror("open data"); return 5; }
	printf("fstat data isreg=%d\n", fstat(data, &st) == 0 && S_ISREG(st.st_mode));
	int data2 = open(CRCDIR "/data", O_RDONLY);
	printf("second open rc=%d errno=%d\n", data2 < 0 ? -1 : 0, data2 < 0 ? errno : 0);
	w = write(ctl, "auto", 4);
	printf("control write while open rc=%ld errno=%d\n", w, err(w));

	/* nothing captured yet: no vblank happened since the open */
	fcntl(data, F_SETFL, fcntl(data, F_GETFL) | O_NONBLOCK);
	n = read(data, buf, sizeof buf);
	printf("nonblock empty rc=%ld errno=%d\n", n, err(n));
	printf("poll empty readable=%d\n", readable(data, 0));

	int frames = atoi(argv[2]);
	for (int i = 0; i < frames; i++) vblank();
	printf("poll after vblanks readable=%d\n", readable(data, 5000));
	n = read(data, buf, 22); /* LINE_LEN(1) is 23 */
	printf("small read rc=%ld errno=%d\n", n, err(n));
	for (int i = 0; i < frames; i++) {
		n = read(data, buf, sizeof buf);
		show("line", buf, n);
	}
	n = read(data, buf, sizeof buf);
	printf("drained rc=%ld errno=%d\n", n, err(n));

	/* a blocking read waits for the next entry: a child makes the vblank 200 ms later */
	fcntl(data, F_SETFL, fcntl(data, F_GETFL) & ~O_NONBLOCK);
	pid_t pid = fork();
	if (pid == 0) { usleep(200000); vblank(); _exit(0); }
	long t0 = ms_now();
	n = read(data, buf, sizeof buf);
	long waited = ms_now() - t0;
	show("blocking line", buf, n);
	printf("blocking waited=%d\n", waited >= 100);
	waitpid(pid, NULL, 0);

	/* data is a read-only file: no .write (vfs_write: EINVAL) */
	w = write(data, "x", 1);
	printf("data write rc=%ld errno=%d\n", w, err(w));

	close(data);
	w = write(ctl, "auto\n", 5);
	printf("control write after close rc=%ld errno=%d\n", w, err(w));
	data = open(CRCDIR "/data", O_RDONLY | O_NONBLOCK);
	printf("reopen rc=%d\n", data < 0 ? -errno : 0);
	n = read(data, buf, sizeof buf);
	printf("reopen empty rc=%ld errno=%d\n", n, err(n));
	vblank();
	printf("reopen poll readable=%d\n", readable(data, 5000));
	n = read(data, buf, sizeof buf);
	show("reopen line", buf, n);
	close(data);
	close(ctl);
	return 0;
}
`;

const prereq = bridgePrereq();

/** "n=23 text=0x0000000b 0x1234abcd\n\0" → { frame, crc } */
function parseLine(out: string, what: string): { frame: number; crc: number }[] {
  const re = new RegExp(`^${what} n=(\\d+) text=0x([0-9a-f]{8}) 0x([0-9a-f]{8})\\\\n\\\\0$`, 'gm');
  return [...out.matchAll(re)].map((m) => {
    expect(Number(m[1])).toBe(23);
    return { frame: parseInt(m[2]!, 16), crc: parseInt(m[3]!, 16) };
  });
}

describeBridge('bridge: debugfs CRC files (crtc-N/crc/control, crtc-N/crc/data)', prereq, () => {
  const program = inlineCProgram('crc', PROGRAM, { strict: true });

  let vk: VkmsDevice | undefined;
  afterAll(async () => { await vk?.unplug(); });

  async function run(args: string[], bootModeset: boolean) {
    expect(program.error).toBe('');
    await vk?.unplug();
    vk = await createVkms({ bootModeset: bootModeset ? { color: 0xff3366cc } : false }); // manual clock
    const d = vk;
    const crtc = d.device.drm.crtcs[0]!;
    const counts: bigint[] = [];
    const logs: string[] = [];
    const r = await runWithBridge([program.exe, ...args], {
      device: vk, preload: prereq.preload, timeoutMs: 20000, log: (l) => logs.push(l),
      beforeIoctl: (name) => {
        if (name !== 'GET_MAGIC') return;
        d.vblank(crtc);
        counts.push(vblankOf(crtc).count);
      },
    });
    return { ...r, counts, logs, device: d };
  }

  it('control, data, the errors of drm_debugfs_crc.c, and CRCs equal to the device\'s own', async () => {
    const FRAMES = 4;
    const r = await run(['main', String(FRAMES)], true);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const o = r.stdout;
    // drm_debugfs_crtc_crc_add: crc/ is a directory with two files (debugfs_create_file)
    expect(o).toContain('stat dir rc=0 isdir=1\n');
    expect(o).toContain('stat control rc=0 isreg=1 size=0\n');
    expect(o).toContain('stat data rc=0 isreg=1\n');
    expect(o).toContain('readdir reg=2 other=0\n');
    // crc_control_show with get_crc_sources (vkms_get_crc_sources: "auto"): each valid source on a
    // line, the current one (default "auto", set by drm_crtc_init_with_planes) marked with "*";
    // a seq_file: the next read is at EOF
    expect(o).toContain('control read n=6 text=auto*\\n\n');
    expect(o).toContain('control read again n=0\n');
    // crc_control_write calls verify_crc_source: VKMS knows only "auto" → EINVAL (22), source unchanged
    expect(o).toContain('control write bogus rc=-1 errno=22\n');
    // the trailing newline is chopped; the write returns its length
    expect(o).toContain('control write auto rc=5 errno=0\n');
    expect(o).toContain('control reread n=6 text=auto*\\n\n');
    // vfs_write on a file opened without FMODE_WRITE: EBADF (9)
    expect(o).toContain('control write on O_RDONLY rc=-1 errno=9\n');
    // an fd number the library lost track of is not taken for a served file any more
    expect(o).toContain('stale number write rc=1 reused=1\n');
    // igt_pipe_crc_new: openat(<debugfs dri/0 dir>, "crtc-0/crc/control", O_WRONLY); reading it: EBADF
    expect(o).toContain('igt control read rc=-1 errno=9\n');
    // crc_control_write: len 0 → 0; len > PAGE_SIZE - 1 → E2BIG (7); "auto" without newline is fine
    expect(o).toContain('igt control write0 rc=0\n');
    expect(o).toContain('igt control write big rc=-1 errno=7\n');
    expect(o).toContain('igt control write rc=4 errno=0\n');
    expect(o).toContain('fstat data isreg=1\n');
    // crtc_crc_open: crc->opened → EBUSY (16); crc_control_write while opened → EBUSY
    expect(o).toContain('second open rc=-1 errno=16\n');
    expect(o).toContain('control write while open rc=-1 errno=16\n');
    // crtc_crc_read: nothing queued and O_NONBLOCK → EAGAIN (11); crtc_crc_poll: no POLLIN
    expect(o).toContain('nonblock empty rc=-1 errno=11\n');
    expect(o).toContain('poll empty readable=0\n');
    expect(o).toContain('poll after vblanks readable=1\n');
    // crtc_crc_read: count < LINE_LEN(values_cnt) → EINVAL, and the entry stays queued
    expect(o).toContain('small read rc=-1 errno=22\n');

    // one entry per read, LINE_LEN(1) = 23 bytes "0x%08x 0x%08x\n\0" (frame, then VKMS's one CRC)
    const lines = parseLine(o, 'line');
    expect(lines).toHaveLength(FRAMES);
    // consecutive frame numbers: one entry per vblank, numbered by the vblank counter the hook saw
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.frame).toBe(lines[0]!.frame + i);
    expect(lines.map((l) => BigInt(l.frame))).toEqual(r.counts.slice(0, FRAMES));
    // the CRC is the device's own CRC of the frame it shows (composed here, outside the bridge)
    const own = r.device.composeNow(0);
    expect(own).not.toBeNull();
    for (const l of lines) expect(l.crc).toBe(own!.crc >>> 0);
    expect(o).toContain('drained rc=-1 errno=11\n');

    // a blocking read waits for the entry of the next vblank
    const blocking = parseLine(o, 'blocking line');
    expect(blocking).toEqual([{ frame: lines[FRAMES - 1]!.frame + 1, crc: own!.crc >>> 0 }]);
    expect(o).toContain('blocking waited=1\n');
    // the data file has no write op: vfs_write → EINVAL
    expect(o).toContain('data write rc=-1 errno=22\n');
    // crtc_crc_release stops capture and frees the ring: control is writable again, data reopens
    // empty (entries of frames before the open are not kept) and captures again
    expect(o).toContain('control write after close rc=5 errno=0\n');
    expect(o).toContain('reopen rc=0\n');
    expect(o).toContain('reopen empty rc=-1 errno=11\n');
    expect(o).toContain('reopen poll readable=1\n');
    const reopened = parseLine(o, 'reopen line');
    expect(reopened).toHaveLength(1);
    expect(BigInt(reopened[0]!.frame)).toBe(r.counts[r.counts.length - 1]);
    // after the program: capture is off again (set_crc_source(NULL) on release)
    expect(r.device.data.outputs.get(r.device.device.drm.crtcs[0]!)!.crcSource).toBeNull();
    expect(r.logs.filter((l) => /internal error|protocol error/.test(l))).toEqual([]);
  });

  it('opening crc/data of a CRTC that is off: EIO (crtc_crc_open on an atomic driver)', async () => {
    const r = await run(['off'], false);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('off open rc=-1 errno=5\n');
    expect(r.device.data.outputs.get(r.device.device.drm.crtcs[0]!)!.crcSource).toBeNull();
  });

  it('the record format is crtc_crc_read\'s line, NUL included', () => {
    // LINE_LEN(values_cnt) = 10 + 11 * values_cnt + 1 + 1; a frame without counter is "XXXXXXXXXX"
    expect(crcRecord({ frame: 0x1_0000_002an, crcs: [0xdeadbeef] }).toString('latin1')).toBe('0x0000002a 0xdeadbeef\n\0');
    expect(crcRecord({ frame: null, crcs: [1, 2] }).toString('latin1')).toBe('XXXXXXXXXX 0x00000001 0x00000002\n\0');
    expect(crcRecord({ frame: 0n, crcs: [1, 2, 3] }).length).toBe(10 + 11 * 3 + 2);
  });
});
