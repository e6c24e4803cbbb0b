/**
 * Pods that share their fields, written once: most pods of a cluster are replicas whose kept fields (labels, owner, spec,
 * status) are the same but for their name, uid and node. A snapshot written with sharing (vngshift.io/v2) holds each such
 * set of fields once, on a line of its own (kind SharedPodFields, with a number), and each pod that has them as a short line
 * naming that number beside its own fields:
 *
 *   {"apiVersion":"vngshift.io/v2","kind":"SharedPodFields","shared":0,"metadata":{"labels":{...},"ownerReferences":[...]},"spec":{...},"status":{...}}
 *   {"apiVersion":"v1","kind":"Pod","shared":0,"metadata":{"name":"web-7d9f-abcde","namespace":"shop","uid":"..."},"spec":{"nodeName":"ip-10-0-1-1"}}
 *
 * A pod is its shared line's metadata, spec and status with its own fields added (name, namespace, uid, nodeName): exactly
 * the object the snapshot without sharing holds. A SharedPodFields line comes before the first pod that names it. Only
 * pods whose shared fields at least one other pod of their namespace has are written so; the others stay whole. When
 * pods share all but their affinity and volumes, each carries these on its own line (spec.affinity and spec.volumes beside
 * spec.nodeName): a DaemonSet's pods pin their node in their affinity, and a live cluster's pods each mount their service
 * account's token as a volume of its own name. A pod with a generic ephemeral volume stays whole: its claim's name is
 * derived from the pod's name, so the pod is more than its shared fields and its name.
 */
import { InputError } from '../errors.js';
import type { TopLevelValue } from '../kube/envelope.js';

export const SHARED_API_VERSION = 'vngshift.io/v2';
export const SHARED_KIND = 'SharedPodFields';
/** The key naming a pod's shared fields, on both kinds of line. */
export const SHARED_KEY = 'shared';

type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A pod's own fields (those no other pod has) and the rest, or null when the pod is not of the shape sharing handles. */
export interface PodSplit {
  readonly own: Obj;
  /** metadata, spec and status without the own fields (each only when present). */
  readonly shared: Obj;
}

/** The spec fields that are a pod's own in the second pass of sharePods (see there). */
const OWN_IN_SECOND_PASS = ['affinity', 'volumes'] as const;

/**
 * The pod's own fields (apiVersion, kind, metadata.name, metadata.namespace, metadata.uid, spec.nodeName, and with
 * `secondPass` spec.affinity and spec.volumes) and its shared fields; null when it cannot share (no metadata or spec
 * object, other top-level fields, an ephemeral volume).
 */
export function splitPod(pod: Obj, secondPass = false): PodSplit | null {
  const { apiVersion, kind, metadata, spec, status, ...rest } = pod;
  if (kind !== 'Pod' || Object.keys(rest).length > 0 || !isRecord(metadata) || !isRecord(spec)) return null;
  if (status !== undefined && !isRecord(status)) return null;
  const volumes = spec['volumes'];
  if (Array.isArray(volumes) && volumes.some((v) => !isRecord(v) || v['ephemeral'] !== undefined)) return null;
  const { name, namespace, uid, ...sharedMeta } = metadata;
  if (typeof name !== 'string' || (namespace !== undefined && typeof namespace !== 'string') || (uid !== undefined && typeof uid !== 'string')) return null;
  const { nodeName, ...sharedSpec } = spec;
  if (nodeName !== undefined && typeof nodeName !== 'string') return null;
  const ownSpec: Obj = {};
  if (nodeName !== undefined) ownSpec['nodeName'] = nodeName;
  if (secondPass) {
    for (const field of OWN_IN_SECOND_PASS) {
      if (sharedSpec[field] === undefined) continue;
      ownSpec[field] = sharedSpec[field];
      delete sharedSpec[field];
    }
  }
  const ownMeta: Obj = { name };
  if (namespace !== undefined) ownMeta['namespace'] = namespace;
  if (uid !== undefined) ownMeta['uid'] = uid;
  const own: Obj = { apiVersion, kind, metadata: ownMeta };
  if (Object.keys(ownSpec).length > 0) own['spec'] = ownSpec;
  const shared: Obj = { metadata: sharedMeta, spec: sharedSpec };
  if (status !== undefined) shared['status'] = status;
  return { own, shared };
}

/**
 * The snapshot's objects (in snapshot order) as the lines to write with sharing: pods whose shared fields another pod of
 * their namespace has become short lines, each set of shared fields a SharedPodFields line just before its first pod. A
 * pod that shares them with no other pod, in a second pass, shares them but for its affinity and volumes, which it carries
 * on its own line: a DaemonSet's pods pin their node in their affinity, and a pod of a live cluster mounts its service
 * account's token as a volume of a name of its own (kube-api-access-xxxxx).
 */
export function sharePods(ordered: readonly Obj[]): Obj[] {
  const splits = ordered.map((o) => (o['kind'] === 'Pod' ? splitPod(o) : null));
  // Pods share only within their namespace: the reader takes a pod's values derived from its namespace from the first pod.
  /** The pods' sets by their key (one string per set: each pod holds its set, not a copy of the key). */
  const sets = new Map<string, { count: number; id: number }>();
  const setOf = (s: PodSplit, prefix: string): { count: number; id: number } => {
    const key = `${prefix}${JSON.stringify((s.own['metadata'] as Obj)['namespace'] ?? null)}\u0000${JSON.stringify(s.shared)}`;
    let set = sets.get(key);
    if (set === undefined) sets.set(key, (set = { count: 0, id: -1 }));
    set.count += 1;
    return set;
  };
  const setOfPod = splits.map((s) => (s === null ? null : setOf(s, '')));
  ordered.forEach((o, i) => {
    const set = setOfPod[i];
    const spec = o['spec'];
    if (set === null || set === undefined || set.count > 1 || !isRecord(spec) || OWN_IN_SECOND_PASS.every((f) => spec[f] === undefined)) return;
    const s = splitPod(o, true);
    if (s === null) return;
    splits[i] = s;
    setOfPod[i] = setOf(s, 'second pass\u0000');
  });
  let ids = 0;
  const out: Obj[] = [];
  ordered.forEach((o, i) => {
    const set = setOfPod[i];
    const s = splits[i];
    if (set === null || set === undefined || s === null || s === undefined || set.count < 2) {
      out.push(o);
      return;
    }
    let id = set.id;
    if (id === -1) {
      id = set.id = ids++;
      out.push({ apiVersion: SHARED_API_VERSION, kind: SHARED_KIND, [SHARED_KEY]: id, ...s.shared });
    }
    const { apiVersion, kind, ...ownRest } = s.own;
    out.push({ apiVersion, kind, [SHARED_KEY]: id, ...ownRest });
  });
  return out;
}

/** One SharedPodFields line, checked: its number and fields. */
export interface SharedFields {
  readonly id: number;
  readonly metadata: Obj;
  readonly spec: Obj;
  readonly status: Obj | undefined;
  /**
   * No field derived from a pod's name (a generic ephemeral volume's claim) is among them: a pod is these fields and its own
   * alone (the writer never shares such pods; a file edited by hand may).
   */
  readonly nameFree: boolean;
}

/** The SharedPodFields line's number and fields; InputError naming the line when it is not one. */
export function sharedFieldsOf(value: Obj, file: string, where: string): SharedFields {
  const id = value[SHARED_KEY];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new InputError(file, `${SHARED_KIND} at ${where}`, SHARED_KEY, `expected a whole number naming these fields; found ${JSON.stringify(id)}`);
  }
  const { apiVersion, kind, [SHARED_KEY]: _id, metadata, spec, status, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new InputError(file, `${SHARED_KIND} ${id}`, extra, 'not a field of shared pod fields (metadata, spec, status)');
  if (apiVersion !== SHARED_API_VERSION) throw new InputError(file, `${SHARED_KIND} ${id}`, 'apiVersion', `expected ${SHARED_API_VERSION}; found ${JSON.stringify(apiVersion)}`);
  for (const [field, v] of [['metadata', metadata], ['spec', spec]] as const) {
    if (!isRecord(v)) throw new InputError(file, `${SHARED_KIND} ${id}`, field, `expected an object; found ${JSON.stringify(v) ?? 'nothing'}`);
  }
  if (status !== undefined && !isRecord(status)) throw new InputError(file, `${SHARED_KIND} ${id}`, 'status', `expected an object; found ${JSON.stringify(status)}`);
  // A pod's own fields belong on its line: shared, they would make every pod of the set the same pod or on the same node.
  for (const own of ['name', 'namespace', 'uid'] as const) {
    if ((metadata as Obj)[own] !== undefined) throw new InputError(file, `${SHARED_KIND} ${id}`, `metadata.${own}`, "a pod's own field: it belongs on the pod's line, not in shared fields");
  }
  if ((spec as Obj)['nodeName'] !== undefined) throw new InputError(file, `${SHARED_KIND} ${id}`, 'spec.nodeName', "a pod's own field: it belongs on the pod's line, not in shared fields");
  const volumes = (spec as Obj)['volumes'];
  const nameFree = !Array.isArray(volumes) || volumes.every((v) => isRecord(v) && v['ephemeral'] === undefined);
  return { id, metadata: metadata as Obj, spec: spec as Obj, status: status as Obj | undefined, nameFree };
}

/**
 * The whole pod: the shared fields with the pod line's own added (its `shared` number dropped), field by field in metadata,
 * spec and status (a line edited by hand may hold more than the writer puts there: what it holds wins). The line's shape is
 * checked by SharedFieldsTable.of.
 */
export function expandPod(line: Obj, fields: SharedFields): Obj {
  const { [SHARED_KEY]: _id, metadata, spec, status, ...rest } = line;
  const pod: Obj = {
    ...rest,
    metadata: { ...fields.metadata, ...(metadata as Obj) },
    spec: { ...fields.spec, ...((spec as Obj | undefined) ?? {}) },
  };
  if (fields.status !== undefined || status !== undefined) pod['status'] = { ...fields.status, ...((status as Obj | undefined) ?? {}) };
  return pod;
}

/** The shared fields read so far, by number: one per snapshot being read. */
export class SharedFieldsTable {
  private readonly byId = new Map<number, SharedFields>();

  constructor(private readonly file: string) {}

  /** Records a SharedPodFields line; a number given twice is refused. */
  define(value: Obj, where: string): SharedFields {
    const fields = sharedFieldsOf(value, this.file, where);
    if (this.byId.has(fields.id)) throw new InputError(this.file, `${SHARED_KIND} ${fields.id}`, SHARED_KEY, `expected each number once; found it again at ${where}`);
    this.byId.set(fields.id, fields);
    return fields;
  }

  /** The fields a line's `shared` number names; InputError when it is not a pod or names no earlier SharedPodFields line. */
  of(value: Obj, where: string): SharedFields {
    const id = value[SHARED_KEY];
    const label = value['kind'] === 'Pod' && isRecord(value['metadata']) && typeof value['metadata']['name'] === 'string' ? `Pod ${String(value['metadata']['name'])}` : where;
    if (value['kind'] !== 'Pod') throw new InputError(this.file, label, SHARED_KEY, `only pods take shared fields; found kind ${JSON.stringify(value['kind'])}`);
    const fields = typeof id === 'number' ? this.byId.get(id) : undefined;
    if (fields === undefined) throw new InputError(this.file, label, SHARED_KEY, `names shared pod fields ${JSON.stringify(id)}, which no ${SHARED_KIND} line before it (at ${where}) defines`);
    if (!isRecord(value['metadata'])) throw new InputError(this.file, label, 'metadata', `expected an object with a name; found ${JSON.stringify(value['metadata']) ?? 'nothing'}`);
    for (const part of ['spec', 'status'] as const) {
      const v = value[part];
      if (v !== undefined && !isRecord(v)) throw new InputError(this.file, label, part, `expected an object; found ${JSON.stringify(v)}`);
    }
    return fields;
  }
}

/** Whether a decoded line is a SharedPodFields line. */
export function isSharedFieldsLine(value: unknown): value is Obj {
  return isRecord(value) && value['kind'] === SHARED_KIND;
}

/** Whether a decoded line (not a SharedPodFields one) names shared fields: a pod's short line, or a misplaced `shared`. */
export function namesSharedFields(value: unknown): value is Obj {
  return isRecord(value) && value[SHARED_KEY] !== undefined && value['kind'] !== SHARED_KIND;
}

/** The objects of a snapshot's lines with every pod whole: SharedPodFields lines dropped, their pods expanded. */
export function expandSharedPods(items: readonly TopLevelValue[], file: string): TopLevelValue[] {
  const table = new SharedFieldsTable(file);
  const out: TopLevelValue[] = [];
  for (const item of items) {
    if (isSharedFieldsLine(item.value)) table.define(item.value, item.where);
    else if (namesSharedFields(item.value)) out.push({ value: expandPod(item.value, table.of(item.value, item.where)), where: item.where });
    else out.push(item);
  }
  return out;
}
