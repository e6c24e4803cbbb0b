/**
 * The cluster snapshot file: the objects the planner reads, with only the fields it reads (kept-fields.ts), under a header
 * of its own. One JSON document, one object per line, so it is valid JSON for jq and diffs line by line:
 *
 *   {"apiVersion":"vngshift.io/v1","kind":"ClusterSnapshot","metadata":{...},"counts":{"Node":3,...},"items":[
 *   {"apiVersion":"v1","kind":"Node","metadata":{"name":"a",...},...},
 *   ...
 *   {"apiVersion":"v1","kind":"Pod",...}
 *   ]}
 *
 * Objects come in a fixed order (kind as in KEPT_FIELDS, then namespace, then name), so the same cluster gives the same
 * lines. Reading takes this layout line by line (no string of the whole file), and falls back to one JSON.parse when the
 * file was reformatted. Pure: the CLI does the I/O.
 *
 * vngshift.io/v2 (written by default) writes the fields pods share once (shared-pods.ts): a pod line then holds its name,
 * namespace, uid and node and the number of its SharedPodFields line. vngshift.io/v1 (every pod whole) is still read, and
 * written on request (`sharePods: false`).
 */
import { InputError } from '../errors.js';
import { ClusterBuilder, clusterFromValues } from '../kube/cluster.js';
import { unwrapObjects, type TopLevelValue } from '../kube/envelope.js';
import { DEFAULT_NAMESPACE } from '../kube/metadata.js';
import type { Cluster, PodVolume } from '../types.js';
import { prune } from './field-spec.js';
import { KEPT_FIELDS } from './kept-fields.js';
import { expandPod, expandSharedPods, isSharedFieldsLine, namesSharedFields, SHARED_API_VERSION, SHARED_KEY, sharePods, SharedFieldsTable } from './shared-pods.js';
import type { UnresolvedPod } from '../kube/pod.js';

/** The layout written by default: pods share their common fields (shared-pods.ts). */
export const SNAPSHOT_API_VERSION = SHARED_API_VERSION;
/** The layout with every pod whole: still read, written with `sharePods: false`. */
export const SNAPSHOT_API_VERSION_WHOLE = 'vngshift.io/v1';
const READ_VERSIONS: readonly string[] = [SNAPSHOT_API_VERSION, SNAPSHOT_API_VERSION_WHOLE];
export const SNAPSHOT_KIND = 'ClusterSnapshot';

export interface SnapshotMetadata {
  /** When the snapshot was taken (RFC 3339), if known. */
  readonly createdAt?: string;
  /** What it was taken from: `context NAME`, or `file NAME` (a base name). */
  readonly source?: string;
  /** The program that wrote it, e.g. `vngshift 0.1.0`. */
  readonly generator?: string;
}

export interface SnapshotHeader {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: SnapshotMetadata;
  /** Objects by kind, as written. */
  readonly counts: Readonly<Record<string, number>>;
}

const KIND_RANK = new Map([...KEPT_FIELDS.keys()].map((k, i) => [k, i]));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The kept part of one decoded object (kind and apiVersion given for items of typed lists), or null when not kept. */
export function snapshotObject(value: unknown): Record<string, unknown> | null {
  if (!isRecord(value)) return null;
  const kind = value['kind'];
  const spec = typeof kind === 'string' ? KEPT_FIELDS.get(kind) : undefined;
  if (spec === undefined) return null;
  return prune(value, spec) as Record<string, unknown>;
}

/**
 * The kept objects of decoded cluster input (Lists flattened, as the parser does), each with where it came from; objects of
 * kinds the planner does not read are left out.
 */
export function snapshotValues(values: readonly TopLevelValue[], file: string): TopLevelValue[] {
  const out: TopLevelValue[] = [];
  for (const o of unwrapObjects(values, file)) {
    const kept = snapshotObject({ ...o.body, apiVersion: o.apiVersion, kind: o.kind });
    if (kept !== null) out.push({ value: kept, where: o.where });
  }
  return out;
}

function sortKey(o: Record<string, unknown>): { rank: number; ns: string; name: string } {
  const m = isRecord(o['metadata']) ? o['metadata'] : {};
  const ns = typeof m['namespace'] === 'string' ? m['namespace'] : '';
  const name = typeof m['name'] === 'string' ? m['name'] : '';
  return { rank: KIND_RANK.get(String(o['kind'])) ?? KIND_RANK.size, ns, name };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The objects in snapshot order. */
export function snapshotOrder(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const keyed = objects.map((o) => ({ o, k: sortKey(o) }));
  keyed.sort((a, b) => a.k.rank - b.k.rank || compareText(a.k.ns, b.k.ns) || compareText(a.k.name, b.k.name));
  return keyed.map((x) => x.o);
}

/** How a snapshot is written. */
export interface WriteOptions {
  /** Lines per piece handed to `write` (about). */
  readonly chunkLines?: number;
  /** Write the fields pods share once (vngshift.io/v2, the default); false: every pod whole (vngshift.io/v1). */
  readonly sharePods?: boolean;
}

/**
 * Writes the snapshot of `objects` (already pruned by snapshotObject) through `write`, in pieces of about `chunkLines`
 * lines, so that no string of the whole file is built. The header counts the lines by kind (SharedPodFields lines too).
 */
export function writeSnapshot(
  objects: readonly Record<string, unknown>[],
  metadata: SnapshotMetadata,
  write: (chunk: string) => void,
  options: WriteOptions = {},
): void {
  const chunkLines = options.chunkLines ?? 2000;
  const share = options.sharePods ?? true;
  const ordered = share ? sharePods(snapshotOrder(objects)) : snapshotOrder(objects);
  const counts: Record<string, number> = {};
  for (const o of ordered) counts[String(o['kind'])] = (counts[String(o['kind'])] ?? 0) + 1;
  const header: SnapshotHeader = { apiVersion: share ? SNAPSHOT_API_VERSION : SNAPSHOT_API_VERSION_WHOLE, kind: SNAPSHOT_KIND, metadata, counts };
  const head = JSON.stringify(header);
  write(`${head.slice(0, -1)},"items":[\n`);
  let lines: string[] = [];
  for (let i = 0; i < ordered.length; i++) {
    lines.push(JSON.stringify(ordered[i]) + (i + 1 < ordered.length ? ',' : ''));
    if (lines.length >= chunkLines) {
      write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) write(lines.join('\n') + '\n');
  write(']}\n');
}

const HEADER_START = /^\uFEFF?\s*\{\s*"apiVersion"\s*:\s*"vngshift\.io\/[^"]*"\s*,\s*"kind"\s*:\s*"ClusterSnapshot"/;

/** Whether a file beginning with these bytes (the first few hundred are enough) is a cluster snapshot. */
export function isClusterSnapshot(head: Uint8Array | string): boolean {
  const text = typeof head === 'string' ? head.slice(0, 512) : Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 512)).toString('utf8');
  return HEADER_START.test(text);
}

function checkHeader(value: unknown, file: string): SnapshotHeader {
  if (!isRecord(value)) throw new InputError(file, '', '', 'expected a vngshift ClusterSnapshot header');
  const apiVersion = value['apiVersion'];
  if (typeof apiVersion !== 'string' || !READ_VERSIONS.includes(apiVersion)) {
    throw new InputError(file, 'ClusterSnapshot', 'apiVersion', `expected ${READ_VERSIONS.join(' or ')}; found ${JSON.stringify(apiVersion)} (written by another version of vngshift: take the snapshot again with this one)`);
  }
  const counts = isRecord(value['counts']) ? value['counts'] : {};
  const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (typeof v === 'number') out[k] = v;
  return { apiVersion, kind: SNAPSHOT_KIND, metadata: metadata as SnapshotMetadata, counts: out };
}

/** Below this many bytes the file is decoded as one string and cut into lines (V8 strings stop at about 512 MiB). */
const ONE_STRING_BYTES = 400 * 1024 * 1024;

/** The lines of the bytes, each without its line break, one at a time (no string of the whole file when it is large). */
function lineReader(buf: Buffer): () => string | null {
  let start = 0;
  if (buf.length < ONE_STRING_BYTES) {
    const text = buf.toString('utf8');
    return () => {
      if (start >= text.length) return null;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
      start = end + 1;
      return line;
    };
  }
  return () => {
    if (start >= buf.length) return null;
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    const line = buf.toString('utf8', start, end > start && buf[end - 1] === 0x0d ? end - 1 : end);
    start = end + 1;
    return line;
  };
}

/**
 * The header of a snapshot in its own layout, each object handed to `onItem` as its line is decoded; null when the bytes are
 * laid out otherwise.
 */
function walkLines(buf: Buffer, file: string, onItem: (item: TopLevelValue) => void): SnapshotHeader | null {
  const next = lineReader(buf);
  const first = (next() ?? '').replace(/^\uFEFF/, '').trimEnd();
  if (!first.endsWith('"items":[')) return null;
  let header: SnapshotHeader;
  try {
    header = checkHeader(JSON.parse(`${first}]}`), file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    return null;
  }
  let line = 1;
  let objects = 0;
  let closed = false;
  for (let text = next(); text !== null; text = next()) {
    line++;
    if (closed) {
      if (text.trim() === '') continue;
      return null;
    }
    // The writer's lines: `{...},`, the last `{...}`, then `]}`.
    const object = text.endsWith(',') ? text.slice(0, -1) : text;
    if (object === ']}') {
      closed = true;
      continue;
    }
    if (object.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(object);
    } catch (e) {
      throw new InputError(file, `line ${line}`, '', `expected one JSON object per line; ${e instanceof Error ? e.message : String(e)}`);
    }
    objects++;
    onItem({ value, where: `line ${line}` });
  }
  if (!closed) throw new InputError(file, '', '', `the snapshot is cut short: no closing "]}" after ${objects} objects`);
  return header;
}

/** Header and objects of a snapshot in its own layout; null when the bytes are laid out otherwise. */
function readLines(buf: Buffer, file: string): { header: SnapshotHeader; items: TopLevelValue[] } | null {
  const items: TopLevelValue[] = [];
  const header = walkLines(buf, file, (item) => items.push(item));
  return header === null ? null : { header, items };
}

/** Header and objects of a snapshot reformatted (pretty-printed, one line): one JSON document. */
function readDocument(buf: Buffer, file: string): { header: SnapshotHeader; items: TopLevelValue[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(file, '', '', `expected a JSON ClusterSnapshot; ${e instanceof Error ? e.message : String(e)}`);
  }
  const header = checkHeader(doc, file);
  const items = isRecord(doc) ? doc['items'] : undefined;
  if (!Array.isArray(items)) throw new InputError(file, 'ClusterSnapshot', 'items', 'expected a list of objects');
  return { header, items: items.map((value, i) => ({ value, where: `items[${i}]` })) };
}

/** Objects per kind (`?` for a value without one). */
function countKind(found: Record<string, number>, value: unknown): void {
  const kind = isRecord(value) && typeof value['kind'] === 'string' ? value['kind'] : '?';
  found[kind] = (found[kind] ?? 0) + 1;
}

/** The first kind whose count in the header differs from the objects found, or null. */
function countMismatch(header: SnapshotHeader, found: Readonly<Record<string, number>>): string | null {
  for (const kind of new Set([...Object.keys(header.counts), ...Object.keys(found)])) {
    if ((header.counts[kind] ?? 0) !== (found[kind] ?? 0)) return kind;
  }
  return null;
}

/**
 * The header and the objects of a snapshot file's bytes, every pod whole (the SharedPodFields lines the header counts are
 * taken into the pods that name them).
 */
export function readSnapshot(bytes: Uint8Array, file: string): { header: SnapshotHeader; objects: TopLevelValue[] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const read = readLines(buf, file) ?? readDocument(buf, file);
  const found: Record<string, number> = {};
  for (const { value } of read.items) countKind(found, value);
  const kind = countMismatch(read.header, found);
  if (kind !== null) {
    const said = read.header.counts[kind] ?? 0;
    throw new InputError(file, 'ClusterSnapshot', 'counts', `the header counts ${said} ${kind}, the file holds ${found[kind] ?? 0}: the file is incomplete or was edited`);
  }
  if (read.header.apiVersion === SNAPSHOT_API_VERSION_WHOLE && read.items.some(({ value }) => isSharedFieldsLine(value) || namesSharedFields(value))) throw wholeWithShared(file);
  return { header: read.header, objects: expandSharedPods(read.items, file) };
}

/** A vngshift.io/v1 file holding shared fields (a header edited by hand, or lines pasted from another file). */
function wholeWithShared(file: string): InputError {
  return new InputError(file, 'ClusterSnapshot', 'apiVersion', `${SNAPSHOT_API_VERSION_WHOLE} holds every pod whole, but this file has shared pod fields (${SNAPSHOT_API_VERSION}): the header or the lines were edited`);
}

/** The fields of a pod line's own part. */
interface OwnFields {
  readonly name: string;
  /** metadata.namespace, or DEFAULT_NAMESPACE when absent or empty (as the envelope reads it). */
  readonly namespace: string;
  readonly uid: string | null;
  readonly nodeName: string | null;
  /**
   * spec.volumes when the line has them, each only a name (the parser reads such a volume as kind 'other': a service
   * account's token mounted under a name of the pod's own), else null.
   */
  readonly volumes: readonly PodVolume[] | null;
}

/**
 * A pod line's own fields when they are only those sharing writes and podLike reproduces (name, namespace, uid, nodeName,
 * volumes that are only a name), else null.
 */
function ownFields(line: Record<string, unknown>): OwnFields | null {
  let metadata: unknown;
  let spec: unknown;
  for (const key in line) {
    const v = line[key];
    if (key === 'metadata') metadata = v;
    else if (key === 'spec') spec = v;
    else if (!((key === 'apiVersion' && v === 'v1') || (key === 'kind' && v === 'Pod') || key === SHARED_KEY)) return null;
  }
  if (!isRecord(metadata)) return null;
  let name: unknown;
  let namespace: unknown;
  let uid: unknown;
  for (const key in metadata) {
    if (key === 'name') name = metadata[key];
    else if (key === 'namespace') namespace = metadata[key];
    else if (key === 'uid') uid = metadata[key];
    else return null;
  }
  if (typeof name !== 'string' || name === '' || (namespace !== undefined && typeof namespace !== 'string') || (uid !== undefined && typeof uid !== 'string')) return null;
  let nodeName: unknown;
  let volumes: PodVolume[] | null = null;
  if (spec !== undefined) {
    if (!isRecord(spec)) return null;
    for (const key in spec) {
      if (key === 'nodeName') nodeName = spec[key];
      else if (key === 'volumes') {
        const list = spec[key];
        if (!Array.isArray(list)) return null;
        volumes = [];
        for (const v of list) {
          if (!isRecord(v)) return null;
          let volumeName: unknown;
          for (const k in v) {
            if (k !== 'name') return null;
            volumeName = v[k];
          }
          if (typeof volumeName !== 'string' || volumeName === '') return null;
          volumes.push({ name: volumeName, kind: 'other' });
        }
      } else return null;
    }
    if (nodeName !== undefined && typeof nodeName !== 'string') return null;
  }
  return {
    name,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE,
    uid: typeof uid === 'string' ? uid : null,
    nodeName: typeof nodeName === 'string' ? nodeName : null,
    volumes,
  };
}

/**
 * The Cluster in a snapshot file's bytes; InputErrors name `file`. A snapshot in the writer's layout is parsed line by line,
 * each object as it is decoded (ClusterBuilder), so the decoded objects are never all held at once; when that meets any
 * problem, or the file was reformatted, the file is read again as a whole, so that the error named is the one
 * clusterFromValues names first.
 */
export function parseClusterSnapshot(bytes: Uint8Array, file: string): Cluster {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  try {
    const builder = new ClusterBuilder(file);
    const found: Record<string, number> = {};
    const shared = new SharedFieldsTable(file);
    /**
     * Per shared fields' number, the first pod read whole from them, and whether its line had volumes of its own: the
     * others of its namespace, with volumes of their own exactly when it had, are made from it.
     */
    const firstPod = new Map<number, { readonly pod: UnresolvedPod; readonly ownVolumes: boolean }>();
    let sharing = false;
    const header = walkLines(buf, file, (item) => {
      const { value } = item;
      countKind(found, value);
      if (isSharedFieldsLine(value)) {
        sharing = true;
        shared.define(value, item.where);
        return;
      }
      if (!namesSharedFields(value)) {
        builder.add(item);
        return;
      }
      sharing = true;
      const fields = shared.of(value, item.where);
      const base = firstPod.get(fields.id);
      const own = fields.nameFree ? ownFields(value) : null;
      if (base !== undefined && own !== null && own.namespace === base.pod.namespace && (own.volumes !== null) === base.ownVolumes) {
        builder.addPodLike(base.pod, own.name, own.uid, own.nodeName, own.volumes ?? base.pod.volumes);
        return;
      }
      builder.add({ value: expandPod(value, fields), where: item.where });
      // Only a pod that is its shared fields and the own fields podLike changes stands for the others.
      const pod = builder.lastPod();
      if (base === undefined && own !== null && pod !== undefined) firstPod.set(fields.id, { pod, ownVolumes: own.volumes !== null });
    });
    if (header !== null && header.apiVersion === SNAPSHOT_API_VERSION_WHOLE && sharing) throw wholeWithShared(file);
    if (header !== null && countMismatch(header, found) === null) return builder.finish();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  return clusterFromValues(readSnapshot(bytes, file).objects, file);
}
