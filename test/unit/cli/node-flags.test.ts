import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_FLAGS } from '../../../src/cli/node-flags.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'vngshift.js');

describe('the Node flags of the vngshift command', () => {
  it('are the ones bin/vngshift.js starts Node with', () => {
    const first = readFileSync(BIN, 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${CLI_NODE_FLAGS.join(' ')}`);
  });

  it('start the command when it is run as an executable', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('give Node a larger young generation than its default', () => {
    // Short-lived objects, some kept for a while: the young generation grows to its largest size.
    const probe = [
      'let keep = [];',
      'for (let i = 0; i < 2e7; i++) { const o = { a: i, b: [i] }; if (i % 100 === 0) keep.push(o); if (keep.length > 1e5) keep = []; }',
      "console.log(require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size);",
    ].join('\n');
    const sized = (flags: readonly string[]): number => Number(spawnSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }).stdout.trim());
    expect(sized(CLI_NODE_FLAGS)).toBeGreaterThan(sized([]));
  });
});
