/**
 * The migration's persisted progress in the cluster: one ConfigMap per migration (`vngshift-<id>` in the state namespace,
 * "vngshift-system" by default, created when missing) holding the MigrationState JSON under the key `state`, and a stop
 * request (`vngshift stop`) under the key `stop`.
 *
 * Writes use optimistic concurrency: every replace carries the resourceVersion this process last saw. When the server answers
 * 409, the ConfigMap is read again: if its `state` is still the one this process wrote last (another writer only touched
 * `stop`), the write is repeated on the new version; otherwise another engine runs the same migration, and the save fails
 * with PortError('conflict').
 *
 * A state larger than one ConfigMap holds (1 MiB; a migration's running batch lists every pod it evicted, so a batch of
 * tens of thousands of pods gets there even compressed) is written in parts: immutable ConfigMaps named after their
 * content (`vngshift-<id>-part-<sha-256>`, owned by the migration's ConfigMap), created first, then the migration's
 * ConfigMap's `state` key is replaced with the list of parts, the save's one atomic write. A crash between the two leaves
 * parts nobody lists and the state before; the parts of the state before are deleted after the new list is written. A
 * reader that finds a listed part gone (deleted by a save meanwhile) reads the migration's ConfigMap again.
 *
 * A save writes the ConfigMap only: the nodes' annotations (vngshift.io/migration, vngshift.io/phase) go with the cordon's
 * and the uncordon's own patch (cluster-port.ts), which names the migration this store last saved or read (migrationId).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { PortError } from '../engine/ports.js';
import type { MigrationState, StopRequest } from '../engine/state.js';
import { ApiEtiquette } from './etiquette.js';
import { httpStatusOf, toPortError } from './errors.js';

export const DEFAULT_STATE_NAMESPACE = 'vngshift-system';
export const STATE_KEY = 'state';
export const STOP_KEY = 'stop';
export const MIGRATION_LABEL = 'vngshift.io/migration';
export const MIGRATION_ANNOTATION = 'vngshift.io/migration';
export const PHASE_ANNOTATION = 'vngshift.io/phase';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'vngshift' };

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The ConfigMap name of a migration: `vngshift-` and the id made a DNS-1123 subdomain (lower case, [a-z0-9.-]). */
export function configMapName(migrationId: string): string {
  const cleaned = migrationId
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (cleaned === '') throw new PortError('invalid', `migration id ${JSON.stringify(migrationId)} has no character a ConfigMap name can use`);
  return `vngshift-${cleaned}`.slice(0, 253).replace(/[-.]+$/, '');
}

/** A label value for the id, or null when the id cannot be one (more than 63 characters or other characters). */
function labelValue(id: string): string | null {
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(id) && id.length <= 63 ? id : null;
}

/**
 * Above this many characters the state is stored gzip-compressed (base64, prefixed GZIP_PREFIX): a ConfigMap holds at most
 * 1 MiB, and the per-batch lists of evicted pods of a migration of tens of thousands of pods get near that in plain JSON.
 */
export const COMPRESS_ABOVE = 256 * 1024;
export const GZIP_PREFIX = 'gzip+base64:';
/** What a ConfigMap's data may hold, with room for the stop request and the object's metadata. */
export const MAX_STATE_TEXT = 1_000_000;
/** The characters of one part of a state stored in parts (each in a ConfigMap of its own). */
export const PART_TEXT = 900_000;
/** At most this many parts (about 58 MB compressed): beyond, a save fails (PortError invalid). */
export const MAX_PARTS = 64;
/** The `state` key of a migration whose state is stored in parts: this prefix, then a StateParts JSON. */
export const PARTS_PREFIX = 'parts:';
const PART_KEY = 'part';
const PART_LABEL = 'vngshift.io/state-part';

/** Where the parts of a state are, in order, with the whole text's length and SHA-256 to check what was read. */
export interface StateParts {
  readonly parts: readonly string[];
  readonly length: number;
  readonly sha256: string;
}

/** The state's text: plain JSON when small, gzip+base64 when above COMPRESS_ABOVE (of any length: see splitState). */
export function serializeState(state: MigrationState): string {
  const json = JSON.stringify(state);
  if (json.length <= COMPRESS_ABOVE) return json;
  return GZIP_PREFIX + gzipSync(json, { level: 9 }).toString('base64');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The text a migration's ConfigMap holds under `state` (`head`), and the parts to create first when the text is more than
 * one ConfigMap holds: each part named after its content and its owner (the migration's ConfigMap's uid), so a part
 * written once is never written again, and a ConfigMap made anew (another uid) never lists a part the garbage collector
 * will delete for its old owner.
 */
export function splitState(migrationId: string, text: string, ownerUid: string): { head: string; parts: { name: string; text: string }[] } {
  if (text.length <= MAX_STATE_TEXT) return { head: text, parts: [] };
  const count = Math.ceil(text.length / PART_TEXT);
  if (count > MAX_PARTS) {
    throw new PortError('invalid', `the migration state is ${text.length} characters compressed, more than ${MAX_PARTS} ConfigMaps of ${PART_TEXT} hold: use smaller batches`);
  }
  const base = configMapName(migrationId)
    .slice(0, 253 - '-part-'.length - 40)
    .replace(/[-.]+$/, '');
  const parts = Array.from({ length: count }, (_, i) => {
    const piece = text.slice(i * PART_TEXT, (i + 1) * PART_TEXT);
    return { name: `${base}-part-${sha256(`${ownerUid}\n${piece}`).slice(0, 40)}`, text: piece };
  });
  const head: StateParts = { parts: parts.map((p) => p.name), length: text.length, sha256: sha256(text) };
  return { head: PARTS_PREFIX + JSON.stringify(head), parts };
}

/** The parts a `state` key lists, or null when it holds the state itself; PortError('invalid') when the list is broken. */
export function partsOf(head: string, where: string): StateParts | null {
  if (!head.startsWith(PARTS_PREFIX)) return null;
  let v: unknown;
  try {
    v = JSON.parse(head.slice(PARTS_PREFIX.length));
  } catch (e) {
    throw new PortError('invalid', `${where}: the list of the migration state's parts is not JSON (${(e as Error).message})`);
  }
  if (!isRecord(v) || !Array.isArray(v['parts']) || !v['parts'].every((x) => typeof x === 'string') || typeof v['length'] !== 'number' || typeof v['sha256'] !== 'string') {
    throw new PortError('invalid', `${where}: the list of the migration state's parts: expected parts, length and sha256`);
  }
  return v as unknown as StateParts;
}

/** The whole text of a state stored in parts, each read with `readPart` (null when the part is gone); checked. */
async function joinParts(list: StateParts, where: string, readPart: (name: string) => Promise<string | null>): Promise<string | 'part-gone'> {
  const texts: string[] = [];
  for (const name of list.parts) {
    const t = await readPart(name);
    if (t === null) return 'part-gone';
    texts.push(t);
  }
  const text = texts.join('');
  if (text.length !== list.length || sha256(text) !== list.sha256) {
    throw new PortError('invalid', `${where}: the parts of the migration state (${list.parts.join(', ')}) do not make the state they were written for`);
  }
  return text;
}

const STATUSES = new Set(['Running', 'Stopping', 'Stopped', 'Completed', 'Failed']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The state in a ConfigMap's `state` key; PortError('invalid') naming the ConfigMap when it is not one. */
export function parseState(text: string, where: string): MigrationState {
  let v: unknown;
  try {
    v = JSON.parse(text.startsWith(GZIP_PREFIX) ? gunzipSync(Buffer.from(text.slice(GZIP_PREFIX.length), 'base64')).toString('utf8') : text);
  } catch (e) {
    throw new PortError('invalid', `${where}: the migration state is not JSON (${(e as Error).message})`);
  }
  const bad = (field: string, expected: string): PortError => new PortError('invalid', `${where}: field ${field} of the migration state: expected ${expected}`);
  if (!isRecord(v)) throw bad('(top)', 'an object');
  if (v['version'] !== 1) throw bad('version', '1');
  if (typeof v['id'] !== 'string') throw bad('id', 'a string');
  if (typeof v['status'] !== 'string' || !STATUSES.has(v['status'])) throw bad('status', 'Running, Stopping, Stopped, Completed or Failed');
  if (!Array.isArray(v['batches'])) throw bad('batches', 'an array');
  if (!Array.isArray(v['oldNodes'])) throw bad('oldNodes', 'an array');
  if (!isRecord(v['nodePhase'])) throw bad('nodePhase', 'an object');
  if (!isRecord(v['params'])) throw bad('params', 'an object');
  if (!isRecord(v['settings'])) throw bad('settings', 'an object');
  if (typeof v['current'] !== 'number') throw bad('current', 'a number');
  v['batches'].forEach((b: unknown, i: number) => {
    if (!isRecord(b) || !Array.isArray(b['evicted'])) throw bad(`batches[${i}].evicted`, 'an array');
    // A state saved before batches kept a count: every finished batch still holds its whole list, which goes now.
    if (b['evictedCount'] === undefined) {
      b['evictedCount'] = b['evicted'].length;
      if (b['phase'] === 'done') b['evicted'] = [];
    } else if (typeof b['evictedCount'] !== 'number') throw bad(`batches[${i}].evictedCount`, 'a number');
  });
  return v as unknown as MigrationState;
}

export function serializeStop(stop: StopRequest): string {
  return JSON.stringify({ terminateDrained: stop.terminateDrained, requestedAt: stop.requestedAt });
}

/** The stop request in a ConfigMap's `stop` key; null when absent or unreadable (a bad stop key must not stop a run). */
export function parseStop(text: string | undefined): StopRequest | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    const v: unknown = JSON.parse(text);
    if (!isRecord(v)) return null;
    const at = v['requestedAt'];
    return { terminateDrained: v['terminateDrained'] === true, requestedAt: typeof at === 'number' && Number.isFinite(at) ? at : 0 };
  } catch {
    return null;
  }
}

async function ensureNamespace(core: CoreV1Api, api: ApiEtiquette, namespace: string): Promise<void> {
  try {
    await api.call(`read namespace ${namespace}`, 'idempotent', () => core.readNamespace({ name: namespace }));
    return;
  } catch (e) {
    if (httpStatusOf(e) !== 404) throw toPortError(e, `read namespace ${namespace}`);
  }
  try {
    await api.call(`create namespace ${namespace}`, 'throttled-only', () =>
      core.createNamespace({ body: { metadata: { name: namespace, labels: { ...MANAGED_BY } } } }),
    );
  } catch (e) {
    if (httpStatusOf(e) !== 409) throw toPortError(e, `create namespace ${namespace}`);
  }
}

async function readConfigMap(core: CoreV1Api, api: ApiEtiquette, namespace: string, name: string): Promise<V1ConfigMap | null> {
  try {
    return await api.call(`read configmap ${namespace}/${name}`, 'idempotent', () => core.readNamespacedConfigMap({ name, namespace }));
  } catch (e) {
    if (httpStatusOf(e) === 404) return null;
    throw toPortError(e, `read configmap ${namespace}/${name}`);
  }
}

/** A migration's ConfigMap as this process last saw it: version, uid, data, the `state` key and the parts it lists. */
interface Seen {
  readonly rv: string | null;
  readonly uid: string | null;
  readonly data: Record<string, string>;
  readonly stateText: string | null;
  readonly parts: readonly string[];
}

export interface StateStoreOptions {
  readonly namespace?: string;
  readonly dryRun?: boolean;
}

export class StateStore {
  readonly namespace: string;
  private readonly dryRun: boolean;
  private nsReady = false;
  /** Per migration: the ConfigMap as this process last saw it, and the state text it last wrote or read. */
  private readonly seen = new Map<string, Seen>();
  /** Parts this process knows exist (it created them, or read a state that lists them). */
  private readonly partsThere = new Set<string>();
  /** The migration whose state this process last saved or read (the cordons' annotations name it). */
  private lastId: string | null = null;
  /** Dry run: states kept in memory only. */
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly core: CoreV1Api,
    private readonly api: ApiEtiquette,
    opts: StateStoreOptions = {},
  ) {
    this.namespace = opts.namespace ?? DEFAULT_STATE_NAMESPACE;
    this.dryRun = opts.dryRun === true;
  }

  private where(id: string): string {
    return `ConfigMap ${this.namespace}/${configMapName(id)}`;
  }

  private remember(id: string, cm: V1ConfigMap | null): void {
    const data = { ...(cm?.data ?? {}) };
    const stateText = data[STATE_KEY] ?? null;
    const parts = stateText === null ? null : partsOf(stateText, this.where(id));
    for (const p of parts?.parts ?? []) this.partsThere.add(p);
    this.seen.set(id, { rv: cm?.metadata?.resourceVersion ?? null, uid: cm?.metadata?.uid ?? null, data, stateText, parts: parts?.parts ?? [] });
  }

  /**
   * The migration whose state this process last saved or read, or null before either. The engine saves its state (the
   * nodes it is about to cordon marked) before it cordons, so the cluster port's cordons carry this id in their annotations.
   */
  migrationId(): string | null {
    return this.lastId;
  }

  async loadState(id: string): Promise<MigrationState | null> {
    this.lastId = id;
    const mem = this.memory.get(id);
    if (mem !== undefined) return parseState(mem, `${this.where(id)} (dry run)`);
    const { cm, text } = await readStateText(this.core, this.api, this.namespace, id);
    this.remember(id, cm);
    return text === null ? null : parseState(text, this.where(id));
  }

  async stopRequest(id: string): Promise<StopRequest | null> {
    const cm = await readConfigMap(this.core, this.api, this.namespace, configMapName(id));
    const mine = this.seen.get(id);
    // Our own state still stands there: take the newer version, so the next save does not conflict over the stop key.
    if (cm !== null && mine !== undefined && (cm.data?.[STATE_KEY] ?? null) === mine.stateText) this.remember(id, cm);
    return parseStop(cm?.data?.[STOP_KEY]);
  }

  async saveState(state: MigrationState): Promise<void> {
    this.lastId = state.id;
    const text = serializeState(state);
    if (this.dryRun) {
      this.memory.set(state.id, text);
      return;
    }
    const id = state.id;
    const name = configMapName(id);
    if (!this.nsReady) {
      await ensureNamespace(this.core, this.api, this.namespace);
      this.nsReady = true;
    }
    const labels: Record<string, string> = { ...MANAGED_BY };
    const lv = labelValue(id);
    if (lv !== null) labels[MIGRATION_LABEL] = lv;
    for (let attempt = 0; attempt < 6; attempt++) {
      let mine = this.seen.get(id);
      if (mine === undefined) {
        this.remember(id, await readConfigMap(this.core, this.api, this.namespace, name));
        mine = this.seen.get(id) as Seen;
        if (mine.stateText !== null) throw this.conflict(id, 'it already holds a migration state this process did not load');
      }
      if (text.length > MAX_STATE_TEXT && (mine.rv === null || mine.uid === null)) {
        // Parts are owned by the migration's ConfigMap: make it first (with what it holds already: a stop request).
        try {
          this.remember(id, await this.makeHead(id, labels, { ...mine.data }));
        } catch (e) {
          if (httpStatusOf(e) !== 409) throw toPortError(e, `save ${this.where(id)}`);
          this.remember(id, await readConfigMap(this.core, this.api, this.namespace, name));
          if ((this.seen.get(id) as Seen).stateText !== null) throw this.conflict(id, 'another writer saved a migration state meanwhile');
        }
        continue;
      }
      const { head, parts } = splitState(id, text, mine.uid ?? '');
      // Parts only for a text past MAX_STATE_TEXT, and then the ConfigMap (its uid) exists: see above.
      await this.writeParts(id, parts, mine.uid ?? '', labels);
      const before = mine.parts;
      const data = { ...mine.data, [STATE_KEY]: head };
      try {
        let written: V1ConfigMap;
        if (mine.rv === null) {
          written = await this.makeHead(id, labels, data);
        } else {
          const rv = mine.rv;
          written = await this.api.call(`replace ${this.where(id)}`, 'throttled-only', () =>
            this.core.replaceNamespacedConfigMap({
              name,
              namespace: this.namespace,
              body: { metadata: { name, namespace: this.namespace, labels, resourceVersion: rv }, data },
            }),
          );
        }
        this.remember(id, written);
        await this.dropParts(before.filter((p) => !parts.some((q) => q.name === p)));
        return;
      } catch (e) {
        const status = httpStatusOf(e);
        if (status !== 409 && !(status === 404 && mine.rv !== null)) throw toPortError(e, `save ${this.where(id)}`);
        // Someone else wrote (or deleted) the ConfigMap: read it again and decide.
        const fresh = await readConfigMap(this.core, this.api, this.namespace, name);
        const freshState = fresh?.data?.[STATE_KEY] ?? null;
        if (freshState !== null && freshState !== mine.stateText) throw this.conflict(id, 'another writer changed the migration state');
        this.remember(id, fresh);
      }
    }
    throw this.conflict(id, 'the ConfigMap kept changing under this process');
  }

  /** Creates the migration's ConfigMap with `data`. */
  private makeHead(id: string, labels: Record<string, string>, data: Record<string, string>): Promise<V1ConfigMap> {
    const name = configMapName(id);
    return this.api.call(`create ${this.where(id)}`, 'throttled-only', () =>
      this.core.createNamespacedConfigMap({ namespace: this.namespace, body: { metadata: { name, namespace: this.namespace, labels }, data } }),
    );
  }

  /** Creates the parts of a state not known to exist yet: immutable, owned by the migration's ConfigMap (uid `ownerUid`). */
  private async writeParts(id: string, parts: readonly { name: string; text: string }[], ownerUid: string, labels: Record<string, string>): Promise<void> {
    for (const part of parts) {
      if (this.partsThere.has(part.name)) continue;
      const body: V1ConfigMap = {
        metadata: {
          name: part.name,
          namespace: this.namespace,
          labels: { ...labels, [PART_LABEL]: 'true' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: configMapName(id), uid: ownerUid }],
        },
        immutable: true,
        data: { [PART_KEY]: part.text },
      };
      try {
        await this.api.call(`create configmap ${this.namespace}/${part.name}`, 'throttled-only', () => this.core.createNamespacedConfigMap({ namespace: this.namespace, body }));
      } catch (e) {
        // Already there: a part is named after its content, so it holds this text.
        if (httpStatusOf(e) !== 409) throw toPortError(e, `save part ${this.namespace}/${part.name} of ${this.where(id)}`);
      }
      this.partsThere.add(part.name);
    }
  }

  /** Deletes the parts the state before listed and the new one does not; a part that cannot be deleted is left behind. */
  private async dropParts(names: readonly string[]): Promise<void> {
    for (const name of names) {
      this.partsThere.delete(name);
      try {
        await this.api.call(`delete configmap ${this.namespace}/${name}`, 'idempotent', () => this.core.deleteNamespacedConfigMap({ name, namespace: this.namespace }));
      } catch {
        // Gone already, or not deletable now: it is garbage either way (labelled vngshift.io/state-part, owned by the
        // migration's ConfigMap), and no state lists it.
      }
    }
  }

  private conflict(id: string, why: string): PortError {
    return new PortError('conflict', `${this.where(id)}: ${why} (is another vngshift running migration ${id}?)`, 'Conflict');
  }
}

/** `vngshift stop`: writes the stop request into the migration's ConfigMap (created when the migration has none yet). */
export async function requestStop(kc: KubeConfig, namespace: string, migrationId: string, terminateDrained: boolean): Promise<StopRequest> {
  const core = kc.makeApiClient(CoreV1Api);
  const api = new ApiEtiquette();
  const name = configMapName(migrationId);
  const stop: StopRequest = { terminateDrained, requestedAt: Date.now() / 1000 };
  const data = { [STOP_KEY]: serializeStop(stop) };
  const existing = await readConfigMap(core, api, namespace, name);
  try {
    if (existing === null) {
      await ensureNamespace(core, api, namespace);
      const labels: Record<string, string> = { ...MANAGED_BY };
      const lv = labelValue(migrationId);
      if (lv !== null) labels[MIGRATION_LABEL] = lv;
      await api.call(`create configmap ${namespace}/${name}`, 'throttled-only', () =>
        core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace, labels }, data } }),
      );
    } else {
      await api.call(`patch configmap ${namespace}/${name}`, 'idempotent', () => core.patchNamespacedConfigMap({ name, namespace, body: { data } }, MERGE_PATCH));
    }
  } catch (e) {
    // Created by the engine in the meantime: patch it.
    if (httpStatusOf(e) !== 409) throw toPortError(e, `stop migration ${migrationId}`);
    await api
      .call(`patch configmap ${namespace}/${name}`, 'idempotent', () => core.patchNamespacedConfigMap({ name, namespace, body: { data } }, MERGE_PATCH))
      .catch((err: unknown) => {
        throw toPortError(err, `stop migration ${migrationId}`);
      });
  }
  return stop;
}

/** `vngshift status`: the persisted state of a migration (null when none), with the stop request if one was written. */
export async function readState(kc: KubeConfig, namespace: string, migrationId: string): Promise<MigrationState | null> {
  const core = kc.makeApiClient(CoreV1Api);
  const { text } = await readStateText(core, new ApiEtiquette(), namespace, migrationId);
  return text === null ? null : parseState(text, `ConfigMap ${namespace}/${configMapName(migrationId)}`);
}

/**
 * A migration's ConfigMap and its state's text (its parts joined when it is stored in parts; null when it has none). A
 * part gone while it is read (a save deleted it after writing a new list) means a newer state: read again.
 */
async function readStateText(core: CoreV1Api, api: ApiEtiquette, namespace: string, migrationId: string): Promise<{ cm: V1ConfigMap | null; text: string | null }> {
  const where = `ConfigMap ${namespace}/${configMapName(migrationId)}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const cm = await readConfigMap(core, api, namespace, configMapName(migrationId));
    const head = cm?.data?.[STATE_KEY];
    if (head === undefined) return { cm, text: null };
    const list = partsOf(head, where);
    if (list === null) return { cm, text: head };
    const text = await joinParts(list, where, async (name) => (await readConfigMap(core, api, namespace, name))?.data?.[PART_KEY] ?? null);
    if (text !== 'part-gone') return { cm, text };
  }
  throw new PortError('invalid', `${where}: a part of the migration state it lists is missing`);
}

/** The stop request written for a migration, if any (for `vngshift status`). */
export async function readStopRequest(kc: KubeConfig, namespace: string, migrationId: string): Promise<StopRequest | null> {
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await readConfigMap(core, new ApiEtiquette(), namespace, configMapName(migrationId));
  return parseStop(cm?.data?.[STOP_KEY]);
}
