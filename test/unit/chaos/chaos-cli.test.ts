/** `vngshift chaos` as a user runs it (test/global-setup.ts builds dist/ once, so the worker processes load the code under test). */
import { describe, expect, it } from 'vitest';
import { vngshift } from './chaos-child.js';

/** These tests run many simulations: on a busy shared machine they take more than the default minute (not a speed check). */
const SLOW_MS = 240_000;

async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await vngshift(['chaos', ...args]);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The JSON summary without the fields that depend on the machine and the number of workers. */
function stable(out: string): unknown {
  const o = JSON.parse(out) as Record<string, unknown>;
  delete o['runsPerSecond'];
  delete o['elapsedSeconds'];
  delete o['workers'];
  return o;
}

describe('vngshift chaos', () => {
  it('gives the same summary with one worker and with two', async () => {
    const one = await cli(['--runs', '16', '--seed', '40', '--profile', 'swarm', '--workers', '1', '-o', 'json']);
    const two = await cli(['--runs', '16', '--seed', '40', '--profile', 'swarm', '--workers', '2', '-o', 'json']);
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(stable(two.out)).toEqual(stable(one.out));
    const s = JSON.parse(one.out) as { runs: number; profile: string; seed: number; violations: unknown[]; runsPerSecond: number; outcomes: { byStatus: Record<string, number> } };
    expect(s.runs).toBe(16);
    expect(s.profile).toBe('swarm');
    expect(s.seed).toBe(40);
    expect(s.violations).toEqual([]);
    expect(s.runsPerSecond).toBeGreaterThan(0);
    expect(Object.values(s.outcomes.byStatus).reduce((a, b) => a + b, 0)).toBe(16);
    // stderr is not a terminal here: one progress line per 10% of the runs
    expect(one.err).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ chaos: sweep 16\/16 runs \(100%\), elapsed [\d.]+s, ETA 0s, violations 0, runs\/s [\d.]+$/m);
  }, SLOW_MS);

  it('prints a text summary with runs/s', async () => {
    const r = await cli(['--runs', '2', '--profile', 'lite', '--workers', '1']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 run\(s\), profile lite, seeds 1-2/);
    expect(r.out).toMatch(/Invariants 1-6 and 9 \(and 7 on every replayed run\): no violation\./);
    expect(r.out).toMatch(/runs\/s/);
  });

  it.each([
    [[], /--runs/],
    [['--runs', '0'], /--runs must be a positive integer/],
    [['--runs', 'ten'], /--runs must be a positive integer/],
    [['--runs', '3', '--profile', 'storm'], /unknown profile "storm"/],
    [['--runs', '3', '--workers', '0'], /--workers must be a positive integer/],
    [['--runs', '3', '--seed', '-1'], /--seed must be a whole number/],
    [['--runs', '3', '-o', 'xml'], /unknown format "xml"/],
  ])('bad flags %j exit 1 with one line', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });
});
