// PRIME (drm_prime.c): GEM handles ⇄ dma-buf fds; DRM_CAP_PRIME = IMPORT|EXPORT (uapi 1.16).
import { describe, expect, it } from 'vitest';
import { Cap, type IoctlArgs } from '../../src/uapi/index.js';

type Prime = Partial<IoctlArgs['PRIME_HANDLE_TO_FD']>;
import { createTestDevice } from './test-driver.js';

const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as { code: string }).code; } };

describe('PRIME', () => {
  it('exports a handle as an fd and imports it into another file as the same memory', async () => {
    const t = await createTestDevice();
    const a = t.open(), b = t.open();
    expect(a.getCap(Cap.PRIME)).toBe(3n);
    const { handle } = a.createDumb(64, 64, 32);
    const exp: Prime = { handle, flags: 0o2000000 };
    a.ioctl('PRIME_HANDLE_TO_FD', exp);
    const fd = exp.fd!;
    expect(fd).toBeGreaterThanOrEqual(3);
    const imp: Prime = { fd };
    b.ioctl('PRIME_FD_TO_HANDLE', imp);
    const h2 = imp.handle!;
    expect(h2).toBe(1); // lowest free in b's table (uapi 5.24)
    // the same object: a second import gives the same handle (drm_prime_lookup_buf_handle)
    const again: Prime = { fd };
    b.ioctl('PRIME_FD_TO_HANDLE', again);
    expect(again.handle).toBe(h2);
    // importing into the exporting file gives back its own handle
    const self: Prime = { fd };
    a.ioctl('PRIME_FD_TO_HANDLE', self);
    expect(self.handle).toBe(handle);
    // b can make an FB from it and map it: same bytes
    const av = a.mapDumb(handle);
    av[0] = 0x5a;
    const map: Partial<IoctlArgs['MODE_MAP_DUMB']> = { handle: h2 };
    b.ioctl('MODE_MAP_DUMB', map);
    expect(b.fd.mmap(map.offset!, 16384)[0]).toBe(0x5a);
  });

  it('errnos: bad flags EINVAL, unknown handle ENOENT, closed fd EBADF, non-dma-buf fd EINVAL', async () => {
    const t = await createTestDevice();
    const a = t.open();
    const { handle } = a.createDumb(16, 16, 32);
    expect(code(() => a.ioctl('PRIME_HANDLE_TO_FD', { handle, flags: 0x1 }))).toBe('EINVAL');
    expect(code(() => a.ioctl('PRIME_HANDLE_TO_FD', { handle: 99, flags: 0 }))).toBe('ENOENT');
    expect(code(() => a.ioctl('PRIME_FD_TO_HANDLE', { fd: 9999 }))).toBe('EBADF');
    const lease = a.fd.fds.install({ notADmaBuf: true });
    expect(code(() => a.ioctl('PRIME_FD_TO_HANDLE', { fd: lease }))).toBe('EINVAL');
  });
});
