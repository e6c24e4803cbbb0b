/**
 * Chaos beyond one machine: `--emit-job` prints an Indexed Job whose pods split the seed range, `--shards` with
 * `--shard-index-env` runs one pod's share, and `--merge` puts the pods' JSON summaries back together. The manifest is checked
 * against the Kubernetes API types of @kubernetes/client-node (every field known, nothing dropped); the e2e tier also sends it
 * to a real API server with server-side dry run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { load as parse } from 'js-yaml';
import { shardRange } from '../../../sim/chaos/job.js';
import { vngshift as cli } from './chaos-child.js';

/** Runs chaos sweeps: on a busy shared machine that takes more than the default minute (not a speed check). */
const SLOW_MS = 240_000;

const dir = mkdtempSync(join(tmpdir(), 'vngshift-chaos-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Keys sorted at every level, so two objects compare by content. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

describe('chaos shards', () => {
  it('shards cover the seed range exactly once, in order, with sizes differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), (seed, runs, shardsWanted) => {
        const shards = Math.min(shardsWanted, runs);
        let next = seed;
        const sizes: number[] = [];
        for (let i = 0; i < shards; i++) {
          const r = shardRange(seed, runs, shards, i);
          expect(r.first).toBe(next);
          next += r.count;
          sizes.push(r.count);
        }
        expect(next).toBe(seed + runs);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('--emit-job prints a valid Indexed Job whose pods run their shard of the range', async () => {
    const out = await cli(['chaos', '--runs', '10000', '--seed', '7', '--profile', 'lite', '--shards', '8', '--parallelism', '4', '--workers', '2', '--emit-job', '--image', 'registry.example/vngshift:0.1.0', '--job-name', 'sweep-1', '--namespace', 'chaos']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const job = parse(out.stdout) as Record<string, unknown>;
    // Every field is one the Kubernetes API types know: a round trip through them loses nothing.
    const round = ObjectSerializer.serialize(ObjectSerializer.deserialize(job, 'V1Job', ''), 'V1Job', '') as unknown;
    expect(canonical(round)).toEqual(canonical(job));
    const j = job as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string };
      spec: { completionMode: string; completions: number; parallelism: number; template: { spec: { restartPolicy: string; containers: { image: string; command: string[]; args: string[] }[] } } };
    };
    expect([j.apiVersion, j.kind, j.metadata.name, j.metadata.namespace]).toEqual(['batch/v1', 'Job', 'sweep-1', 'chaos']);
    expect([j.spec.completionMode, j.spec.completions, j.spec.parallelism]).toEqual(['Indexed', 8, 4]);
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    const c = j.spec.template.spec.containers[0];
    expect(c?.image).toBe('registry.example/vngshift:0.1.0');
    expect([...(c?.command ?? []), ...(c?.args ?? [])].join(' ')).toBe(
      'vngshift chaos --runs 10000 --seed 7 --profile lite --shards 8 --shard-index-env JOB_COMPLETION_INDEX --workers 2 --shrink 3 --no-write-regressions -o json',
    );
  });

  it('two shards run by index and merged give the same runs as one sweep', async () => {
    const whole = await cli(['chaos', '--runs', '5', '--seed', '40', '--profile', 'lite', '--workers', '1', '-o', 'json']);
    expect(whole.status).toBe(0);
    const files: string[] = [];
    for (const index of ['0', '1']) {
      const part = await cli(['chaos', '--runs', '5', '--seed', '40', '--profile', 'lite', '--workers', '1', '--shards', '2', '--shard-index-env', 'JOB_COMPLETION_INDEX', '-o', 'json'], { JOB_COMPLETION_INDEX: index });
      expect(part.status, part.stderr).toBe(0);
      const f = join(dir, `shard-${index}.json`);
      writeFileSync(f, part.stdout);
      files.push(f);
    }
    const shard0 = JSON.parse((await cli(['chaos', '--merge', files[0] as string, '-o', 'json'])).stdout) as { runs: number };
    expect(shard0.runs).toBe(2);
    const merged = await cli(['chaos', '--merge', ...files, '-o', 'json']);
    expect(merged.status).toBe(0);
    const a = JSON.parse(whole.stdout) as { results: unknown[]; outcomes: unknown };
    const b = JSON.parse(merged.stdout) as { results: unknown[]; outcomes: unknown; runs: number };
    expect(b.runs).toBe(5);
    expect(b.results).toEqual(a.results);
    expect(b.outcomes).toEqual(a.outcomes);
    const text = await cli(['chaos', '--merge', ...files]);
    expect(text.stdout).toMatch(/5 run\(s\) merged/);
    // Each shard's own figures: which shard, its seeds, its runs per second.
    expect(text.stdout).toMatch(/shard 0\/2 seeds 40-41: 2 run\(s\) in [\d.]+ s on 1 worker\(s\): [\d.]+ runs\/s/);
    expect(text.stdout).toMatch(/shard 1\/2 seeds 42-44: 3 run\(s\)/);
    const figures = JSON.parse(merged.stdout) as { shards: { shard: unknown; seed: number; runs: number; runsPerSecond: number }[]; missingShards: number[] };
    expect(figures.shards.map((f) => [f.shard, f.seed, f.runs])).toEqual([[{ index: 0, of: 2 }, 40, 2], [{ index: 1, of: 2 }, 42, 3]]);
    expect(figures.shards.every((f) => f.runsPerSecond > 0)).toBe(true);
    expect(figures.missingShards).toEqual([]);

    // A pod's log holds its standard error too (kubectl logs returns both streams): the progress lines come before the
    // summary, and the merge reads past them.
    const logs = files.map((f, i) => {
      const log = join(dir, `pod-${i}.log`);
      writeFileSync(log, `2026-12-05T20:00:00Z chaos: sweep 1/2 runs (50%), elapsed 1s, ETA 1s, violations 0, runs/s 1\n2026-12-05T20:00:01Z chaos: sweep 2/2 runs (100%), elapsed 2s, ETA 0s, violations 0, runs/s 1\n${readFileSync(f, 'utf8')}`);
      return log;
    });
    const fromLogs = await cli(['chaos', '--merge', ...logs, '-o', 'json']);
    expect(fromLogs.status, fromLogs.stderr).toBe(0);
    expect((JSON.parse(fromLogs.stdout) as { results: unknown[] }).results).toEqual(a.results);
    // One shard alone: the other is reported missing.
    const one = await cli(['chaos', '--merge', logs[1] as string]);
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/missing: shard\(s\) 0/);
  }, SLOW_MS);

  it.each([
    [['chaos', '--runs', '10', '--emit-job', '--shards', '2'], /--image/],
    [['chaos', '--runs', '10', '--emit-job', '--image', 'x'], /--shards/],
    [['chaos', '--runs', '10', '--emit-job', '--shards', '2', '--image', 'x', '--job-name', 'Bad_Name'], /Job name/],
    [['chaos', '--runs', '3', '--shards', '4', '--emit-job', '--image', 'x'], /must not exceed/],
    [['chaos', '--runs', '10', '--shards', '2'], /go together/],
  ])('bad job flags %j exit 1 with one line', async (args, message) => {
    const out = await cli(args);
    expect(out.status).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(message);
  });

  it('a shard index outside the range, or a merge of something else, exits 1 with one line', async () => {
    const out = await cli(['chaos', '--runs', '10', '--shards', '2', '--shard-index-env', 'IDX'], { IDX: '2' });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/environment IDX.*from 0 to 1/);
    const f = join(dir, 'not-a-summary.json');
    writeFileSync(f, '{"hello": 1}');
    const m = await cli(['chaos', '--merge', f]);
    expect(m.status).toBe(1);
    expect(m.stderr.trim().split('\n')).toHaveLength(1);
    const overlap = join(dir, 'shard-0.json');
    const o = await cli(['chaos', '--merge', overlap, overlap]);
    expect(o.status).toBe(1);
    expect(o.stderr).toMatch(/overlap/);
  });
});
