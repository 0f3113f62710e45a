import { expect, test } from 'vitest';
import { hotplugScenario } from './monitors.js';

test('monitors come and go, and the compositor sees it', async () => {
  const seen = await hotplugScenario(() => undefined);
  expect(seen[0]).toMatch(/^start \d+:on:2 \d+:on:1$/);
  expect(seen[1]).toBe('lit A 1920x1080');
  expect(seen[2]).toMatch(/^unplugged HDMI-1 \d+:on:2 \d+:off:0$/);
  expect(seen[3]).toMatch(/^replugged HDMI-1 \d+:on:2 \d+:on:1$/);
  expect(seen[4]).toBe('lit B 1280x1024');
  expect(seen[5]).toMatch(/^hot-added DP-1-1 as \d+ \d+:on:2 \d+:on:1 \d+:on:1$/);
  expect(seen[6]).toMatch(/^removed DP-1-1 \d+:on:2 \d+:on:1$/);
  expect(seen[7]).toBe('hotplug events 4');
});
