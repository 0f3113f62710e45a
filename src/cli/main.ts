#!/usr/bin/env node
/** The `vkms-ts` command. */
const [cmd] = process.argv.slice(2);
const usage = `usage: vkms-ts <command>

commands:
  demo      light the default device and write demo.png (coming with the VKMS driver)
  --help    this text`;
if (!cmd || cmd === '--help' || cmd === '-h') {
  console.log(usage);
  process.exit(0);
}
console.error(`vkms-ts: unknown or not yet available command '${cmd}'\n\n${usage}`);
process.exit(2);
