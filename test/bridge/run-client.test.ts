// `vkms-ts run-client -- <program>`: exit codes and errors of the CLI wrapper around the bridge.
import { expect, it } from 'vitest';
import { runClient } from '../../src/cli/run-client.js';
import { bridgePrereq, describeBridge, preloadLibrary } from './bridge-env.js';

const prereq = bridgePrereq(['drm_info']);

describeBridge('vkms-ts run-client', prereq, () => {
  it("passes the program's exit code through", async () => {
    const { preload } = preloadLibrary();
    expect(await runClient(['--', 'sh', '-c', 'exit 3'], { preload, stdio: 'pipe' })).toBe(3);
    expect(await runClient(['--profile', 'linux-6.12', '--', 'drm_info', '-j'], { preload, stdio: 'pipe' })).toBe(0);
  });

  it('refuses a missing program and a missing library with one clear line', async () => {
    await expect(runClient([])).rejects.toThrow(/no program given/);
    await expect(runClient(['--', 'true'], { preload: '/nonexistent/libvkms_preload.so', stdio: 'pipe' })).rejects.toThrow(/run-client: the bridge library .* does not exist/);
  });
});
