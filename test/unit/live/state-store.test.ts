import { ApiException, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PortError } from '../../../src/engine/ports.js';
import { initialState, type MigrationState } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { ApiEtiquette } from '../../../src/live/etiquette.js';
import { COMPRESS_ABOVE, configMapName, GZIP_PREFIX, MAX_STATE_TEXT, parseState, parseStop, serializeState, serializeStop, StateStore, STOP_KEY } from '../../../src/live/state-store.js';

function state(id = 'm1'): MigrationState {
  return initialState(id, { oldNodes: [{ name: 'a', instanceId: 'i-1' }, { name: 'b', instanceId: null }], batches: [{ nodes: ['a'] }, { nodes: ['b'] }], params: DEFAULT_PARAMS, boundSeconds: 3600 }, 1_700_000_000);
}

const notFound = (): ApiException<unknown> => new ApiException<unknown>(404, 'Unknown API Status Code!', JSON.stringify({ code: 404, reason: 'NotFound' }), {});
const conflict = (): ApiException<unknown> => new ApiException<unknown>(409, 'Unknown API Status Code!', JSON.stringify({ code: 409, reason: 'Conflict' }), {});

/** Just the ConfigMap, Namespace and Node calls the store makes, with resourceVersions as the API server keeps them. */
class FakeApi {
  cms = new Map<string, V1ConfigMap>();
  namespaces = new Set<string>();
  patches: { name: string; body: unknown }[] = [];
  private rv = 0;
  private key = (ns: string, name: string): string => `${ns}/${name}`;
  private stamp(cm: V1ConfigMap): V1ConfigMap {
    this.rv += 1;
    const out = { ...cm, metadata: { ...cm.metadata, resourceVersion: String(this.rv) } };
    this.cms.set(this.key(out.metadata.namespace ?? '', out.metadata.name ?? ''), out);
    return structuredClone(out);
  }
  async readNamespace(p: { name: string }): Promise<unknown> {
    if (!this.namespaces.has(p.name)) throw notFound();
    return { metadata: { name: p.name } };
  }
  async createNamespace(p: { body: { metadata: { name: string } } }): Promise<unknown> {
    this.namespaces.add(p.body.metadata.name);
    return p.body;
  }
  async readNamespacedConfigMap(p: { name: string; namespace: string }): Promise<V1ConfigMap> {
    const cm = this.cms.get(this.key(p.namespace, p.name));
    if (!cm) throw notFound();
    return structuredClone(cm);
  }
  async createNamespacedConfigMap(p: { namespace: string; body: V1ConfigMap }): Promise<V1ConfigMap> {
    if (this.cms.has(this.key(p.namespace, p.body.metadata?.name ?? ''))) throw conflict();
    return this.stamp({ ...p.body, metadata: { ...p.body.metadata, namespace: p.namespace } });
  }
  async replaceNamespacedConfigMap(p: { name: string; namespace: string; body: V1ConfigMap }): Promise<V1ConfigMap> {
    const cur = this.cms.get(this.key(p.namespace, p.name));
    if (!cur) throw notFound();
    if (cur.metadata?.resourceVersion !== p.body.metadata?.resourceVersion) throw conflict();
    return this.stamp(p.body);
  }
  /** What `vngshift stop` does: a merge patch of one key, no resourceVersion. */
  patchData(namespace: string, name: string, data: Record<string, string>): void {
    const cur = this.cms.get(this.key(namespace, name));
    if (!cur) throw new Error('no configmap');
    this.stamp({ ...cur, data: { ...cur.data, ...data } });
  }
  async patchNode(p: { name: string; body: unknown }): Promise<unknown> {
    this.patches.push(p);
    return {};
  }
}

function store(fake: FakeApi, dryRun = false): StateStore {
  return new StateStore(fake as unknown as CoreV1Api, new ApiEtiquette({}, async () => undefined), { dryRun });
}

describe('state serialization', () => {
  it('round-trips the MigrationState and names the ConfigMap after the id', () => {
    const s = state();
    expect(parseState(serializeState(s), 'cm')).toEqual(s);
    expect(configMapName('m1')).toBe('vngshift-m1');
    expect(configMapName('Prod Move_2')).toBe('vngshift-prod-move-2');
  });

  it('compresses a large state below the ConfigMap limit (20,000 evicted pods) and reads it back', () => {
    const s = state();
    const uid = (i: number): string => `${(i * 2654435761).toString(16).padStart(8, '0')}-5f1c-4b7e-9a2d-${String(i).padStart(12, '0')}`;
    const batches = Array.from({ length: 10 }, (_, b) => ({
      nodes: Array.from({ length: 20 }, (__, n) => `ip-10-0-${b}-${n}.ec2.internal`),
      phase: 'done' as const,
      startedAt: 1,
      drainedAt: 2,
      finishedAt: 3,
      evicted: Array.from({ length: 2000 }, (__, i) => ({ pod: `payments/checkout-api-7f9c8d6b5-${uid(b * 2000 + i).slice(0, 5)}`, ownerUid: uid(b % 7) })),
      evictedCount: 2000,
      baseline: [],
    }));
    const big = { ...s, batches };
    const plain = JSON.stringify(big);
    expect(plain.length).toBeGreaterThan(COMPRESS_ABOVE);
    const text = serializeState(big);
    expect(text.startsWith(GZIP_PREFIX)).toBe(true);
    expect(text.length).toBeLessThan(MAX_STATE_TEXT);
    expect(parseState(text, 'cm')).toEqual(big);
    // Small states stay plain JSON, readable with kubectl.
    expect(serializeState(s)).toBe(JSON.stringify(s));
  });

  it('reads a state saved before batches kept a count: the count is the list\'s length', () => {
    const s = state();
    const old = {
      ...s,
      batches: [{ nodes: ['a'], phase: 'done', startedAt: 1, drainedAt: 2, finishedAt: 3, evicted: [{ pod: 'ns/p1', ownerUid: null }, { pod: 'ns/p2', ownerUid: 'u' }], baseline: [] }],
    };
    const read = parseState(JSON.stringify(old), 'cm');
    expect(read.batches[0]?.evictedCount).toBe(2);
    expect(() => parseState(JSON.stringify({ ...old, batches: [{ ...old.batches[0], evictedCount: 'two' }] }), 'cm')).toThrow(/cm: field batches\[0\]\.evictedCount/);
    expect(() => parseState(JSON.stringify({ ...old, batches: [{ nodes: [] }] }), 'cm')).toThrow(/field batches\[0\]\.evicted of/);
  });

  it('refuses what is not a migration state, naming the field', () => {
    expect(() => parseState('{', 'ConfigMap x')).toThrow(/ConfigMap x: the migration state is not JSON/);
    expect(() => parseState(JSON.stringify({ ...state(), version: 2 }), 'cm')).toThrow(/field version/);
    expect(() => parseState(JSON.stringify({ ...state(), status: 'Weird' }), 'cm')).toThrow(PortError);
  });

  it('reads a stop request, and ignores a broken one', () => {
    expect(parseStop(serializeStop({ terminateDrained: true, requestedAt: 12 }))).toEqual({ terminateDrained: true, requestedAt: 12 });
    expect(parseStop(undefined)).toBeNull();
    expect(parseStop('not json')).toBeNull();
  });
});

describe('StateStore', () => {
  it('creates the namespace and ConfigMap, then replaces it with the version it saw; load returns what was saved', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    expect(await st.loadState('m1')).toBeNull();
    const s = state();
    await st.saveState(s);
    expect(fake.namespaces.has('vngshift-system')).toBe(true);
    s.current = 1;
    s.nodePhase['a'] = 'cordoned';
    await st.saveState(s);
    expect(await store(fake).loadState('m1')).toEqual(s);
    // A save is one request: the nodes are not patched (the cordon's own patch annotates its node).
    expect(fake.patches).toEqual([]);
    expect(st.migrationId()).toBe('m1');
  });

  it('a stop written meanwhile does not make the next save fail, and is kept', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    const s = state();
    await st.saveState(s);
    fake.patchData('vngshift-system', 'vngshift-m1', { [STOP_KEY]: serializeStop({ terminateDrained: false, requestedAt: 5 }) });
    s.current = 1;
    await st.saveState(s);
    expect(await st.stopRequest('m1')).toEqual({ terminateDrained: false, requestedAt: 5 });
    expect((await store(fake).loadState('m1'))?.current).toBe(1);
  });

  it('another writer of the state is a conflict', async () => {
    const fake = new FakeApi();
    const mine = store(fake);
    const theirs = store(fake);
    await mine.loadState('m1');
    await theirs.loadState('m1');
    await theirs.saveState(state());
    const s = state();
    s.current = 1;
    await expect(mine.saveState(s)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('in a dry run, state stays in memory and nothing is written', async () => {
    const fake = new FakeApi();
    const st = store(fake, true);
    const s = state();
    await st.saveState(s);
    expect(fake.cms.size).toBe(0);
    expect(await st.loadState('m1')).toEqual(s);
  });
});
