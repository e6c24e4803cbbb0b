/** Turns a scenario file into the inputs of a simulation: the cluster, the VNGs, parameters, timing, faults and seed. */
import type { Catalog } from '../src/catalog/catalog.js';
import type { EngineSettings } from '../src/engine/state.js';

import { InputError } from '../src/model/errors.js';
import { parseClusterObjects, parseClusterText } from '../src/model/kube/index.js';
import { parseParams, type MigrationParams } from '../src/model/params.js';
import type { Cluster, Vng } from '../src/model/types.js';
import { parseVngText } from '../src/model/vng/parse-vngs.js';
import { generateClusterObjects } from '../src/gen/cluster.js';
import type { ClusterGenSpec } from '../src/gen/spec.js';
import { Prng } from '../src/gen/prng.js';
import { parseFault, type FaultSpec } from './faults.js';
import { readScenarioFile, type Scenario } from './scenario.js';
import { DEFAULT_SIM_TIMING, type SimTiming } from './timing.js';
import { DEFAULT_ENGINE_SETTINGS } from '../src/engine/state.js';

export interface ScenarioInputs {
  readonly cluster: Cluster;
  readonly clusterSource: string;
  readonly vngs: readonly Vng[];
  readonly params: MigrationParams;
  readonly timing: Partial<SimTiming>;
  readonly engine: Partial<EngineSettings>;
  readonly faults: readonly FaultSpec[];
  readonly seed: number;
  readonly maxSeconds: number | undefined;
}

export function scenarioInputs(s: Scenario, catalog: Catalog, seedOverride?: number): ScenarioInputs {
  const d = s.doc;
  const object = `Scenario ${d.name}`;
  let cluster: Cluster;
  let clusterSource: string;
  if ('file' in d.cluster) {
    const f = readScenarioFile(s, 'cluster.file', d.cluster.file);
    cluster = parseClusterText(f.text, f.file);
    clusterSource = d.cluster.file;
  } else if ('inline' in d.cluster) {
    const inline = d.cluster.inline;
    const items = Array.isArray(inline) ? inline : [inline];
    cluster = parseClusterObjects(items, `${s.file} (cluster.inline)`);
    clusterSource = 'inline';
  } else {
    const seed = d.cluster.seed ?? 1;
    let objects: unknown[];
    try {
      objects = generateClusterObjects(d.cluster.generate as ClusterGenSpec, new Prng(seed));
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw new InputError(s.file, object, 'cluster.generate', e.message);
      throw e;
    }
    cluster = parseClusterObjects(objects, `${s.file} (cluster.generate)`);
    clusterSource = `generated (seed ${seed})`;
  }
  let vngs: readonly Vng[];
  if ('file' in d.vngs) {
    const f = readScenarioFile(s, 'vngs.file', d.vngs.file);
    vngs = parseVngText(f.text, f.file, catalog).vngs;
  } else {
    vngs = parseVngText(JSON.stringify(d.vngs.inline), `${s.file} (vngs.inline)`, catalog).vngs;
  }
  const params = parseParams(d.params ?? {}, s.file, `${object} params`);
  const faults = (d.faults ?? []).map((f, i) => {
    const text =
      typeof f === 'string'
        ? f
        : `${f.kind}@${f.at}${Object.keys(f).filter((k) => k !== 'kind' && k !== 'at').length > 0 ? ':' : ''}${Object.entries(f)
            .filter(([k]) => k !== 'kind' && k !== 'at')
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(',')}`;
    try {
      return parseFault(text, s.file);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(s.file, object, `faults[${i}]`, e.problem);
      throw e;
    }
  });
  checkKeys(s, 'timing', d.timing ?? {}, Object.keys(DEFAULT_SIM_TIMING));
  checkKeys(s, 'engine', d.engine ?? {}, Object.keys(DEFAULT_ENGINE_SETTINGS));
  return {
    cluster,
    clusterSource,
    vngs,
    params,
    timing: (d.timing ?? {}) as Partial<SimTiming>,
    engine: (d.engine ?? {}) as Partial<EngineSettings>,
    faults,
    seed: seedOverride ?? d.seed ?? 1,
    maxSeconds: d.maxSeconds,
  };
}

function checkKeys(s: Scenario, field: string, given: Record<string, unknown>, known: readonly string[]): void {
  for (const [k, v] of Object.entries(given)) {
    if (!known.includes(k)) {
      throw new InputError(s.file, `Scenario ${s.doc.name}`, `${field}.${k}`, `unknown setting; expected one of ${known.join(', ')}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (field === 'engine' && v === 0)) {
      throw new InputError(s.file, `Scenario ${s.doc.name}`, `${field}.${k}`, `expected a number ${field === 'engine' ? '> 0' : '>= 0'}, found ${String(v)}`);
    }
  }
}
