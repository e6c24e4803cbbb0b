/**
 * A chaos run that broke an invariant, written as a scenario file (docs/scenarios.md): the cluster as its generator spec and
 * seed, the VNGs inline, the parameters, the faults, the simulation seed, and the outcome to expect.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../src/catalog/catalog.js';
import { yamlText } from '../../src/model/yaml-output.js';
import { vngSet } from './draw.js';
import type { RunRecord } from './run.js';
import { replayCommand } from './summary.js';

export const REGRESSIONS_DIR = join('scenarios', 'regressions');

/**
 * The scenario document of a run. The invariants do not fix a status, only that the run ends and nothing is lost or broken
 * on the way: `expect.status` is the status the run reached if it ended (Failed if it did not end, since a run that cannot
 * finish must fail), and `expect.failure` is left out.
 */
export function regressionScenario(r: RunRecord, catalog: Catalog, shrunkFrom: string | null = null): Record<string, unknown> {
  const vngs = vngSet(r.world.vngSet, catalog);
  const what = [...new Set(r.violations.map((v) => v.invariant))].sort((a, b) => a - b).map((n) => `invariant ${n}`);
  if (r.error !== null) what.push('a thrown error');
  const first = r.violations[0]?.message ?? r.error ?? '';
  const ended = r.status === 'Completed' || r.status === 'Failed' || r.status === 'Stopped';
  return {
    apiVersion: 'vngshift.io/v1alpha1',
    kind: 'Scenario',
    name: scenarioName(r),
    description: `Found by \`${replayCommand(r.seed, r.profile)}\`${shrunkFrom === null ? '' : `, shrunk to ${shrunkFrom}`}: ${what.join(', ')}. First: ${first}`,
    cluster: { generate: r.world.generate, seed: r.world.clusterSeed },
    vngs: { inline: JSON.parse(vngs.text) as unknown },
    params: r.params,
    faults: [...r.faults],
    seed: r.seed,
    expect: { status: ended && !r.timedOut ? r.status : 'Failed' },
  };
}

export function scenarioName(r: RunRecord): string {
  return `chaos-${r.profile}-seed-${r.seed}`;
}

/** Writes the run's scenario under `dir` (default scenarios/regressions) and returns its path. */
export function writeRegression(r: RunRecord, catalog: Catalog, dir: string = REGRESSIONS_DIR, shrunkFrom: string | null = null): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${scenarioName(r)}.yaml`);
  writeFileSync(file, yamlText(regressionScenario(r, catalog, shrunkFrom)));
  return file;
}

/** The one-line replay of a scenario file. */
export function scenarioReplayCommand(file: string, seed: number): string {
  return `vngshift simulate --scenario ${file} --seed ${seed}`;
}
