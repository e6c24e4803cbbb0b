#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { relaunch, relaunchFlags } from '../dist/src/cli/relaunch.js';

const argv = process.argv.slice(2);
// Some commands run again in a child process with the node flags they are fastest with (src/cli/relaunch.ts).
const flags = relaunchFlags(argv, process.execArgv, process.env);
let code = null;
if (flags !== null) {
  // A child that cannot be started (no memory, no process slots): the command runs in this process instead.
  code = await relaunch(flags, fileURLToPath(import.meta.url), argv).catch(() => null);
}
if (code === null) {
  const { main } = await import('../dist/src/cli/main.js');
  code = await main(argv);
}
process.exitCode = code;
