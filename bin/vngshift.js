#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { relaunch, relaunchFlags } from '../dist/src/cli/relaunch.js';

const argv = process.argv.slice(2);
// Some commands run again in a child process with the node flags they are fastest with (src/cli/relaunch.ts).
const flags = relaunchFlags(argv, process.execArgv, process.env);
if (flags !== null) {
  process.exitCode = await relaunch(flags, fileURLToPath(import.meta.url), argv);
} else {
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(argv);
}
