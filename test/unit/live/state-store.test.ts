import { createHash } from 'node:crypto';
import { ApiException, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PortError } from '../../../src/engine/ports.js';
import { initialState, type MigrationState } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { ApiEtiquette } from '../../../src/live/etiquette.js';
import { COMPRESS_ABOVE, configMapName, GZIP_PREFIX, MAX_PARTS, MAX_STATE_TEXT, PART_TEXT, PARTS_PREFIX, parseState, parseStop, partsOf, serializeState, serializeStop, splitState, StateStore, STATE_KEY, STOP_KEY } from '../../../src/live/state-store.js';

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
  creates: string[] = [];
  deletes: string[] = [];
  /** Called before each ConfigMap read, with its name (a test's hook to change the store meanwhile). */
  beforeRead: ((name: string) => Promise<void>) | null = null;
  private rv = 0;
  private key = (ns: string, name: string): string => `${ns}/${name}`;
  private stamp(cm: V1ConfigMap): V1ConfigMap {
    this.rv += 1;
    const out = { ...cm, metadata: { uid: `uid-${cm.metadata?.name ?? ''}-${this.rv}`, ...cm.metadata, resourceVersion: String(this.rv) } };
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
    if (this.beforeRead !== null) await this.beforeRead(p.name);
    const cm = this.cms.get(this.key(p.namespace, p.name));
    if (!cm) throw notFound();
    return structuredClone(cm);
  }
  async createNamespacedConfigMap(p: { namespace: string; body: V1ConfigMap }): Promise<V1ConfigMap> {
    if (this.cms.has(this.key(p.namespace, p.body.metadata?.name ?? ''))) throw conflict();
    this.creates.push(p.body.metadata?.name ?? '');
    return this.stamp({ ...p.body, metadata: { ...p.body.metadata, namespace: p.namespace } });
  }
  async replaceNamespacedConfigMap(p: { name: string; namespace: string; body: V1ConfigMap }): Promise<V1ConfigMap> {
    const cur = this.cms.get(this.key(p.namespace, p.name));
    if (!cur) throw notFound();
    if (cur.metadata?.resourceVersion !== p.body.metadata?.resourceVersion) throw conflict();
    if (cur.immutable === true) throw new ApiException<unknown>(422, 'Unknown API Status Code!', JSON.stringify({ code: 422, reason: 'Invalid' }), {});
    return this.stamp({ ...p.body, metadata: { ...p.body.metadata, uid: cur.metadata?.uid } });
  }
  async deleteNamespacedConfigMap(p: { name: string; namespace: string }): Promise<unknown> {
    if (!this.cms.delete(this.key(p.namespace, p.name))) throw notFound();
    this.deletes.push(p.name);
    return {};
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
    // The finished batch keeps the count, and its list goes (as the engine would have done).
    expect(read.batches[0]).toMatchObject({ evictedCount: 2, evicted: [] });
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

/** What the Kubernetes garbage collector does: deletes every object whose owner (by name and uid) is gone. */
function collectGarbage(fake: FakeApi): void {
  for (const [key, cm] of [...fake.cms]) {
    const owner = cm.metadata?.ownerReferences?.[0];
    if (owner === undefined) continue;
    if (fake.cms.get(`${cm.metadata?.namespace ?? ''}/${owner.name}`)?.metadata?.uid !== owner.uid) fake.cms.delete(key);
  }
}

/** The parts the migration's ConfigMap lists, or null when it holds the state itself. */
function listedParts(fake: FakeApi): ReturnType<typeof partsOf> {
  return partsOf(fake.cms.get('vngshift-system/vngshift-m1')?.data?.[STATE_KEY] ?? '', 'cm');
}

/** A state whose running batch lists `pods` evicted pods with incompressible uids: about 40 compressed characters each. */
function bigState(pods: number, salt = ''): MigrationState {
  const s = state();
  const b = s.batches[0]!;
  b.phase = 'draining';
  for (let i = 0; i < pods; i++) {
    const h = createHash('sha256').update(`${salt}${i}`).digest('hex');
    b.evicted.push({ pod: `shop/web-${h.slice(0, 10)}`, ownerUid: `${h.slice(10, 18)}-${h.slice(18, 22)}-${h.slice(22, 26)}-${h.slice(26, 30)}-${h.slice(30, 42)}` });
  }
  b.evictedCount = b.evicted.length;
  return s;
}

describe('StateStore: a state larger than one ConfigMap', () => {
  it('is written in content-named parts before the list that names them, and reads back whole', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    await st.saveState(state());
    const big = bigState(40_000);
    const text = serializeState(big);
    expect(text.length).toBeGreaterThan(MAX_STATE_TEXT);
    await st.saveState(big);
    const head = fake.cms.get('vngshift-system/vngshift-m1')?.data?.[STATE_KEY] ?? '';
    expect(head.startsWith(PARTS_PREFIX)).toBe(true);
    const list = partsOf(head, 'cm');
    expect(list?.parts).toHaveLength(Math.ceil(text.length / PART_TEXT));
    for (const name of list?.parts ?? []) {
      const part = fake.cms.get(`vngshift-system/${name}`);
      expect(name).toMatch(/^vngshift-m1-part-[0-9a-f]{40}$/);
      expect(part?.immutable).toBe(true);
      expect(part?.metadata?.labels).toMatchObject({ 'vngshift.io/migration': 'm1', 'vngshift.io/state-part': 'true' });
      expect(part?.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'vngshift-m1', uid: fake.cms.get('vngshift-system/vngshift-m1')?.metadata?.uid }]);
      expect((part?.data?.['part'] ?? '').length).toBeLessThanOrEqual(PART_TEXT);
    }
    // The parts were created before the list that names them.
    expect(fake.creates.slice(-list!.parts.length)).toEqual(list?.parts);
    expect(await store(fake).loadState('m1')).toEqual(big);
  });

  it('writes only the parts that changed, deletes those no state lists, and goes back to one ConfigMap when the state shrinks', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    const big = bigState(40_000);
    await st.saveState(big);
    const first = listedParts(fake)!.parts;
    fake.creates = [];
    big.current = 0;
    big.batches[0]!.drainedAt = 7;
    await st.saveState(big);
    const second = listedParts(fake)!.parts;
    expect(second).not.toEqual(first);
    expect(fake.creates).toEqual(second.filter((p) => !first.includes(p)));
    expect(fake.deletes).toEqual(first.filter((p) => !second.includes(p)));
    // Saving the same state again creates nothing.
    fake.creates = [];
    await st.saveState(big);
    expect(fake.creates).toEqual([]);
    // The batch done, its list goes: the state fits one ConfigMap again, and no part is left.
    big.batches[0]!.phase = 'done';
    big.batches[0]!.evicted = [];
    await st.saveState(big);
    expect([...fake.cms.keys()]).toEqual(['vngshift-system/vngshift-m1']);
    expect(await store(fake).loadState('m1')).toEqual(big);
  });

  it('reads again when a part it lists is deleted by a save meanwhile', async () => {
    const fake = new FakeApi();
    const writer = store(fake);
    await writer.loadState('m1');
    await writer.saveState(bigState(40_000, 'a'));
    const newer = bigState(40_000, 'b');
    let once = true;
    fake.beforeRead = async (name) => {
      if (once && name.includes('-part-')) {
        once = false;
        fake.beforeRead = null;
        await writer.saveState(newer);
      }
    };
    expect(await store(fake).loadState('m1')).toEqual(newer);
    expect(once).toBe(false);
  });

  it('makes the migration\'s ConfigMap before the parts of a first save, so every part has an owner', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    const big = bigState(40_000);
    await st.saveState(big);
    const head = fake.cms.get('vngshift-system/vngshift-m1');
    const parts = [...fake.cms.values()].filter((c) => c.metadata?.name?.includes('-part-'));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) expect(part.metadata?.ownerReferences?.[0]?.uid).toBe(head?.metadata?.uid);
    expect(fake.creates[0]).toBe('vngshift-m1');
    expect(await store(fake).loadState('m1')).toEqual(big);
  });

  it('after its ConfigMap is deleted and made anew (a stop request), saves parts the new ConfigMap owns: none the garbage collector takes', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    await st.saveState(bigState(40_000, 'a'));
    // Deleted, then created again by `vngshift stop` (a new uid, the stop key only); the collector deletes the parts it owned.
    fake.cms.delete('vngshift-system/vngshift-m1');
    await fake.createNamespacedConfigMap({ namespace: 'vngshift-system', body: { metadata: { name: 'vngshift-m1' }, data: { [STOP_KEY]: serializeStop({ terminateDrained: false, requestedAt: 9 }) } } });
    collectGarbage(fake);
    const newer = bigState(40_000, 'b');
    // The store's write with the old version is refused; it reads again, finds no state in the way, and writes on the new
    // ConfigMap: its parts are named for their new owner (the old ones, made for the old uid, are not reused).
    await st.saveState(newer);
    const head = fake.cms.get('vngshift-system/vngshift-m1');
    const listed = partsOf(head?.data?.[STATE_KEY] ?? '', 'cm')?.parts ?? [];
    for (const name of listed) expect(fake.cms.get(`vngshift-system/${name}`)?.metadata?.ownerReferences?.[0]?.uid).toBe(head?.metadata?.uid);
    collectGarbage(fake);
    expect(await store(fake).loadState('m1')).toEqual(newer);
    expect(fake.cms.get('vngshift-system/vngshift-m1')?.data?.[STOP_KEY]).toBeDefined();
  });

  it('names parts within a ConfigMap name\'s 253 characters, never with a dot before the dash', () => {
    const id = `${'a'.repeat(198)}.${'b'.repeat(60)}`;
    const { parts } = splitState(id, 'x'.repeat(MAX_STATE_TEXT + 1), 'uid');
    for (const p of parts) {
      expect(p.name.length).toBeLessThanOrEqual(253);
      expect(p.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    }
  });

  it('refuses parts that do not make the listed state, and a state beyond the parts it may take', async () => {
    const fake = new FakeApi();
    const st = store(fake);
    await st.loadState('m1');
    await st.saveState(bigState(40_000));
    const list = listedParts(fake)!;
    const part = fake.cms.get(`vngshift-system/${list.parts[0]}`)!;
    fake.cms.set(`vngshift-system/${list.parts[0]}`, { ...part, data: { part: `x${(part.data?.['part'] ?? '').slice(1)}` } });
    await expect(store(fake).loadState('m1')).rejects.toThrow(/ConfigMap vngshift-system\/vngshift-m1: the parts of the migration state .* do not make the state/);
    expect(() => splitState('m1', 'x'.repeat(PART_TEXT * MAX_PARTS + 1), 'uid')).toThrow(/more than 64 ConfigMaps/);
  });
});
