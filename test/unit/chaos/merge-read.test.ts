/** `chaos --merge` reads each summary through one schema: a bad field is named with its path. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/errors.js';
import { readShard } from '../../../sim/chaos/merge.js';

const run = (seed: unknown) => ({ seed, status: 'Completed', violations: [], error: null, faults: [] });

function errorOf(text: string): InputError {
  try {
    readShard(text, 'shard.json');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('reading a chaos summary for --merge', () => {
  it('takes the runs and the figures of a good summary, and a pod log around it', () => {
    const doc = JSON.stringify({ profile: 'lite', seed: 5, results: [run(5), run(6)], shrunk: [], runsPerSecond: 2, elapsedSeconds: 1, workers: 1, shard: { index: 1, of: 3 } }, null, 2);
    const s = readShard(`2026-12-05T20:00:00Z chaos: sweep 2/2 runs (100%)\n${doc}\n`, 'pod.log');
    expect(s.results.map((r) => r.seed)).toEqual([5, 6]);
    expect(s.figures).toMatchObject({ shard: { index: 1, of: 3 }, seed: 5, runs: 2, runsPerSecond: 2, workers: 1 });
  });

  it('names the field that is wrong, with its path', () => {
    const bad = errorOf(JSON.stringify({ profile: 'lite', results: [run(1), run('two')] }));
    expect([bad.file, bad.object, bad.field]).toEqual(['shard.json', 'chaos summary', 'results[1].seed']);
    expect(bad.problem).toMatch(/expected the JSON that `vngshift chaos -o json` prints/);
    expect(errorOf(JSON.stringify({ profile: 'wild', results: [] })).field).toBe('profile');
    expect(errorOf(JSON.stringify({ profile: 'lite', results: [], shard: { index: -1, of: 2 } })).field).toBe('shard.index');
  });
});
