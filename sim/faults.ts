/**
 * Faults the simulated world can suffer, placed at a time or drawn at random from a profile with the seeded PRNG, and the
 * parser of their command-line form: `kind@time[:key=value,...]`, e.g. `api-disconnect@600:duration=400`,
 * `insufficient-capacity@0:instanceType=m5.xlarge`, `engine-crash@15m`, `stop@300:terminateDrained=true`.
 */
import { parseDuration } from '../src/cli/durations.js';
import { InputError } from '../src/model/errors.js';
import { parseQuantity, QuantityError } from '../src/model/quantity.js';
import type { Prng } from '../src/gen/prng.js';

export type FaultSpec =
  /** The Kubernetes API is unreachable: snapshot and every call throw PortError('connectivity'). */
  | { readonly kind: 'api-disconnect'; readonly at: number; readonly duration: number }
  /** API priority and fairness answers 429 to a share `rate` of the calls (Kubernetes and EC2). */
  | { readonly kind: 'api-throttling'; readonly at: number; readonly duration: number; readonly rate: number }
  /** The API answers 5xx to a share `rate` of the calls. */
  | { readonly kind: 'api-errors'; readonly at: number; readonly duration: number; readonly rate: number }
  /** RunInstances fails with InsufficientInstanceCapacity for a type and/or zone (null: any). duration null: until the end. */
  | {
      readonly kind: 'insufficient-capacity';
      readonly at: number;
      readonly duration: number | null;
      readonly instanceType: string | null;
      readonly zone: string | null;
    }
  /** TerminateInstances answers UnauthorizedOperation. */
  | { readonly kind: 'terminate-refused'; readonly at: number; readonly duration: number | null }
  /** Patching a node to uncordon it is forbidden. */
  | { readonly kind: 'uncordon-refused'; readonly at: number; readonly duration: number | null }
  /** Launches started in the window take `multiplier` times longer. */
  | { readonly kind: 'slow-launches'; readonly at: number; readonly duration: number | null; readonly multiplier: number }
  /** Pods of a workload (namespace/name of its Deployment, StatefulSet, ... or of its owner) started from now never get Ready. */
  | { readonly kind: 'pods-never-ready'; readonly at: number; readonly workload: string }
  /** Someone creates a Deployment during the run; `unplaceable` gives it a node selector no VNG offers. */
  | {
      readonly kind: 'new-workload';
      readonly at: number;
      readonly namespace: string;
      readonly name: string;
      readonly replicas: number;
      readonly cpuMilli: number;
      readonly memoryBytes: number;
      readonly unplaceable: boolean;
    }
  /** A node (null: the first new node by name, else the first node) turns NotReady. */
  | { readonly kind: 'node-not-ready'; readonly at: number; readonly node: string | null; readonly duration: number | null }
  /** The engine process dies; a new one resumes from the state persisted in the cluster. */
  | { readonly kind: 'engine-crash'; readonly at: number }
  /** `vngshift stop` is run. */
  | { readonly kind: 'stop'; readonly at: number; readonly terminateDrained: boolean }
  /**
   * EC2's two-minute Spot interruption notice for `count` new nodes (the named node; else picked with the seeded PRNG among
   * the running new nodes, of the VNG when one is named): cordoned and drained at once, the instance reclaimed 120 s later
   * whatever is left on it (sim/world/spot.ts).
   */
  | { readonly kind: 'spot-interruption'; readonly at: number; readonly node: string | null; readonly vng: string | null; readonly count: number }
  /** EC2's rebalance recommendation for one new node: Ocean launches a replacement first, then drains the node and terminates it. */
  | { readonly kind: 'rebalance-recommendation'; readonly at: number; readonly node: string | null; readonly vng: string | null };

export type FaultKind = FaultSpec['kind'];

interface KeySpec {
  readonly type: 'duration' | 'number' | 'int' | 'boolean' | 'string' | 'cpu' | 'memory';
  readonly required?: boolean;
}

const KEYS: Readonly<Record<FaultKind, Readonly<Record<string, KeySpec>>>> = {
  'api-disconnect': { duration: { type: 'duration', required: true } },
  'api-throttling': { duration: { type: 'duration', required: true }, rate: { type: 'number' } },
  'api-errors': { duration: { type: 'duration', required: true }, rate: { type: 'number' } },
  'insufficient-capacity': { duration: { type: 'duration' }, instanceType: { type: 'string' }, zone: { type: 'string' } },
  'terminate-refused': { duration: { type: 'duration' } },
  'uncordon-refused': { duration: { type: 'duration' } },
  'slow-launches': { duration: { type: 'duration' }, multiplier: { type: 'number' } },
  'pods-never-ready': { workload: { type: 'string', required: true } },
  'new-workload': {
    namespace: { type: 'string' },
    name: { type: 'string' },
    replicas: { type: 'int' },
    cpu: { type: 'cpu' },
    memory: { type: 'memory' },
    unplaceable: { type: 'boolean' },
  },
  'node-not-ready': { node: { type: 'string' }, duration: { type: 'duration' } },
  'engine-crash': {},
  stop: { terminateDrained: { type: 'boolean' } },
  'spot-interruption': { node: { type: 'string' }, vng: { type: 'string' }, count: { type: 'int' } },
  'rebalance-recommendation': { node: { type: 'string' }, vng: { type: 'string' } },
};

export const FAULT_KINDS: readonly FaultKind[] = Object.keys(KEYS) as FaultKind[];

type Value = string | number | boolean;

/** Parses `kind@time[:key=value,...]`. `source` names where the text came from in errors (default: the --fault flag). */
export function parseFault(text: string, source = 'flag --fault'): FaultSpec {
  const bad = (problem: string): InputError => new InputError(source, text, '', problem);
  const m = /^([a-z-]+)@([^:]+)(?::(.*))?$/.exec(text.trim());
  if (!m) throw bad('expected kind@time[:key=value,...], e.g. api-disconnect@600:duration=400');
  const kind = m[1] as string;
  if (!(kind in KEYS)) throw bad(`unknown fault kind "${kind}"; expected one of ${FAULT_KINDS.join(', ')}`);
  const keys = KEYS[kind as FaultKind];
  const at = parseDuration(m[2] as string);
  if (at === null) throw bad(`expected a time in seconds or like 90s, 15m, 1h after @; found "${m[2] ?? ''}"`);
  const values: Record<string, Value> = {};
  const rest = m[3] ?? '';
  for (const part of rest === '' ? [] : rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw bad(`expected key=value, found "${part}"`);
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    const spec = keys[key];
    const allowed = Object.keys(keys);
    if (!spec) throw bad(`unknown key "${key}" for ${kind}; expected ${allowed.length > 0 ? allowed.join(', ') : 'no keys'}`);
    if (key in values) throw bad(`key "${key}" given twice`);
    values[key] = parseValue(raw, spec, key, bad);
  }
  for (const [key, spec] of Object.entries(keys)) if (spec.required && !(key in values)) throw bad(`${kind} needs ${key}=...`);
  return buildFault(kind as FaultKind, at, values, bad);
}

function parseValue(raw: string, spec: KeySpec, key: string, bad: (p: string) => InputError): Value {
  switch (spec.type) {
    case 'duration': {
      const s = parseDuration(raw);
      if (s === null) throw bad(`${key}: expected seconds or a duration like 90s, 15m; found "${raw}"`);
      return s;
    }
    case 'number': {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n) || n < 0) throw bad(`${key}: expected a number >= 0; found "${raw}"`);
      return n;
    }
    case 'int': {
      if (!/^\d+$/.test(raw)) throw bad(`${key}: expected a whole number; found "${raw}"`);
      return Number(raw);
    }
    case 'boolean': {
      if (raw !== 'true' && raw !== 'false') throw bad(`${key}: expected true or false; found "${raw}"`);
      return raw === 'true';
    }
    case 'cpu':
    case 'memory': {
      try {
        return parseQuantity(raw, spec.type === 'cpu' ? 'milli' : 'unit');
      } catch (e) {
        if (e instanceof QuantityError) throw bad(`${key}: ${e.message}`);
        throw e;
      }
    }
    case 'string':
      if (raw === '') throw bad(`${key}: expected a value`);
      return raw;
  }
}

function buildFault(kind: FaultKind, at: number, v: Record<string, Value>, bad: (p: string) => InputError): FaultSpec {
  const num = (k: string): number | null => (typeof v[k] === 'number' ? (v[k] as number) : null);
  const str = (k: string): string | null => (typeof v[k] === 'string' ? (v[k] as string) : null);
  const rate = (): number => {
    const r = num('rate') ?? 1;
    if (r > 1) throw bad('rate: expected a share from 0 to 1');
    return r;
  };
  const spotTarget = (): { node: string | null; vng: string | null } => {
    const node = str('node');
    const vng = str('vng');
    if (node !== null && vng !== null) throw bad('give node= or vng=, not both');
    return { node, vng };
  };
  switch (kind) {
    case 'api-disconnect':
      return { kind, at, duration: num('duration') ?? 0 };
    case 'api-throttling':
    case 'api-errors':
      return { kind, at, duration: num('duration') ?? 0, rate: rate() };
    case 'insufficient-capacity':
      return { kind, at, duration: num('duration'), instanceType: str('instanceType'), zone: str('zone') };
    case 'terminate-refused':
    case 'uncordon-refused':
      return { kind, at, duration: num('duration') };
    case 'slow-launches': {
      const multiplier = num('multiplier') ?? 3;
      if (multiplier <= 0) throw bad('multiplier: expected a number > 0');
      return { kind, at, duration: num('duration'), multiplier };
    }
    case 'pods-never-ready':
      return { kind, at, workload: str('workload') ?? '' };
    case 'new-workload': {
      const replicas = num('replicas') ?? 3;
      if (replicas < 1) throw bad('replicas: expected at least 1');
      return {
        kind,
        at,
        namespace: str('namespace') ?? 'default',
        name: str('name') ?? 'surprise',
        replicas,
        cpuMilli: num('cpu') ?? 500,
        memoryBytes: num('memory') ?? 512 * 1024 * 1024,
        unplaceable: v['unplaceable'] === true,
      };
    }
    case 'node-not-ready':
      return { kind, at, node: str('node'), duration: num('duration') };
    case 'engine-crash':
      return { kind, at };
    case 'stop':
      return { kind, at, terminateDrained: v['terminateDrained'] === true };
    case 'spot-interruption': {
      const target = spotTarget();
      const count = num('count') ?? 1;
      if (count < 1) throw bad('count: expected at least 1');
      if (target.node !== null && count !== 1) throw bad('count: a named node is one node; leave count out or give vng= instead');
      return { kind, at, ...target, count };
    }
    case 'rebalance-recommendation':
      return { kind, at, ...spotTarget() };
  }
}

/** The CLI form of a fault (parseFault of it gives the same spec back); used to log the options of a run. */
export function formatFault(f: FaultSpec): string {
  const parts: string[] = [];
  const put = (k: string, x: Value | null): void => {
    if (x !== null) parts.push(`${k}=${String(x)}`);
  };
  switch (f.kind) {
    case 'api-disconnect':
      put('duration', f.duration);
      break;
    case 'api-throttling':
    case 'api-errors':
      put('duration', f.duration);
      put('rate', f.rate);
      break;
    case 'insufficient-capacity':
      put('duration', f.duration);
      put('instanceType', f.instanceType);
      put('zone', f.zone);
      break;
    case 'terminate-refused':
    case 'uncordon-refused':
      put('duration', f.duration);
      break;
    case 'slow-launches':
      put('duration', f.duration);
      put('multiplier', f.multiplier);
      break;
    case 'pods-never-ready':
      put('workload', f.workload);
      break;
    case 'new-workload':
      put('namespace', f.namespace);
      put('name', f.name);
      put('replicas', f.replicas);
      put('cpu', `${f.cpuMilli}m`);
      put('memory', f.memoryBytes);
      put('unplaceable', f.unplaceable);
      break;
    case 'node-not-ready':
      put('node', f.node);
      put('duration', f.duration);
      break;
    case 'engine-crash':
      break;
    case 'stop':
      put('terminateDrained', f.terminateDrained);
      break;
    case 'spot-interruption':
      put('node', f.node);
      put('vng', f.vng);
      if (f.count !== 1) put('count', f.count);
      break;
    case 'rebalance-recommendation':
      put('node', f.node);
      put('vng', f.vng);
      break;
  }
  return `${f.kind}@${f.at}${parts.length > 0 ? `:${parts.join(',')}` : ''}`;
}

export interface FaultProfile {
  /** How many faults to draw. */
  readonly count: number;
  /** Faults happen in [0, horizonSeconds). */
  readonly horizonSeconds: number;
  /** Relative weights per kind (kinds left out are not drawn). Default: every kind but stop and new-workload, weight 1. */
  readonly weights?: Partial<Record<FaultKind, number>>;
  /** Instance types, zones, workloads and nodes to aim at. */
  readonly instanceTypes?: readonly string[];
  readonly zones?: readonly string[];
  readonly workloads?: readonly string[];
  readonly nodes?: readonly string[];
  /** VNGs a Spot fault may aim at (else: any running new node). */
  readonly vngs?: readonly string[];
}

const DEFAULT_WEIGHTS: Partial<Record<FaultKind, number>> = {
  'api-disconnect': 1,
  'api-throttling': 1,
  'api-errors': 1,
  'insufficient-capacity': 1,
  'slow-launches': 1,
  'node-not-ready': 1,
  'engine-crash': 2,
};

/** Draws faults from a profile with the seeded PRNG; sorted by time then kind. Same prng seed, same faults. */
export function drawFaults(profile: FaultProfile, prng: Prng): FaultSpec[] {
  const weights = profile.weights ?? DEFAULT_WEIGHTS;
  const kinds = FAULT_KINDS.filter((k) => (weights[k] ?? 0) > 0);
  const out: FaultSpec[] = [];
  if (kinds.length === 0) return out;
  const horizon = Math.max(1, Math.floor(profile.horizonSeconds));
  const pickOr = <T>(xs: readonly T[] | undefined, fallback: T): T => (xs && xs.length > 0 ? prng.pick(xs) : fallback);
  for (let i = 0; i < profile.count; i++) {
    const kind = prng.weighted(kinds, (k) => weights[k] ?? 0);
    const at = prng.int(0, horizon - 1);
    const duration = prng.int(30, 600);
    switch (kind) {
      case 'api-disconnect':
        out.push({ kind, at, duration });
        break;
      case 'api-throttling':
      case 'api-errors':
        out.push({ kind, at, duration, rate: Math.round(prng.next() * 100) / 100 });
        break;
      case 'insufficient-capacity':
        out.push({ kind, at, duration, instanceType: pickOr(profile.instanceTypes, null), zone: prng.chance(0.5) ? pickOr(profile.zones, null) : null });
        break;
      case 'terminate-refused':
      case 'uncordon-refused':
        out.push({ kind, at, duration });
        break;
      case 'slow-launches':
        out.push({ kind, at, duration, multiplier: prng.int(2, 5) });
        break;
      case 'pods-never-ready':
        out.push({ kind, at, workload: pickOr(profile.workloads, 'default/none') });
        break;
      case 'new-workload':
        out.push({ kind, at, namespace: 'default', name: `chaos-${i}`, replicas: prng.int(1, 5), cpuMilli: 250, memoryBytes: 256 * 1024 * 1024, unplaceable: prng.chance(0.3) });
        break;
      case 'node-not-ready':
        out.push({ kind, at, node: pickOr(profile.nodes, null), duration });
        break;
      case 'engine-crash':
        out.push({ kind, at });
        break;
      case 'stop':
        out.push({ kind, at, terminateDrained: prng.chance(0.5) });
        break;
      case 'spot-interruption':
        out.push({ kind, at, node: null, vng: prng.chance(0.5) ? pickOr(profile.vngs, null) : null, count: prng.weighted([1, 2, 3], (n) => 4 - n) });
        break;
      case 'rebalance-recommendation':
        out.push({ kind, at, node: null, vng: prng.chance(0.5) ? pickOr(profile.vngs, null) : null });
        break;
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
