/** Reading the CLI's input files: one place that turns I/O and syntax problems into InputErrors. */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { PortError } from '../engine/ports.js';
import { InputError } from '../model/errors.js';
import { parseYamlDocuments } from '../model/yaml-input.js';
import { parseClusterText } from '../model/kube/index.js';
import { parseLargeJsonList } from '../model/kube/large-list.js';
import { isClusterSnapshot, parseClusterSnapshot } from '../model/snapshot/format.js';
import type { Cluster } from '../model/types.js';

/** Reads a file, or standard input for `-`. */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(e)})`;
    throw new InputError(file, '', '', why);
  }
}

/** Parses one YAML or JSON document (for parameter files). */
export function parseSingleDocument(text: string, file: string): unknown {
  const docs = parseYamlDocuments(text, file);
  if (docs.length === 0 || docs[0] === undefined || docs[0] === null) {
    throw new InputError(file, '', '', 'the file is empty; expected a YAML or JSON object');
  }
  if (docs.length > 1) throw new InputError(file, '', '', `expected one document, found ${docs.length}`);
  return docs[0];
}

/** Above this size a JSON cluster file is split into items before parsing (V8 strings stop at about 512 MiB). */
const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(e)})`;
    throw new InputError(file, '', '', why);
  }
}

/** The cluster input: text for ordinary sizes; large JSON is split into items without building one giant string. */
/**
 * The objects a cluster file held that the planner does not read, as one line (`skipped 12 Secret, 3 Nodes (unknown kind)`),
 * or null when none were skipped: printed on stderr so that a typo in a kind shows.
 */
export function skippedKindsLine(cluster: Cluster, file: string): string | null {
  const skipped = cluster.skippedKinds ?? [];
  if (skipped.length === 0) return null;
  const parts = skipped.map((s) => `${s.count} ${s.kind}${s.known ? '' : ' (unknown kind)'}`);
  return `vngshift: ${file === '-' ? 'standard input' : file}: skipped ${parts.join(', ')}`;
}

/**
 * Notes about the inputs (skipped kinds) wait here until the command has validated everything: bad input stays one line on
 * stderr. The command flushes them once its inputs are good; main() drops them on an error and flushes what is left otherwise.
 */
const pendingNotices: string[] = [];

export function flushInputNotices(): void {
  for (const line of pendingNotices.splice(0)) process.stderr.write(`${line}\n`);
}

export function dropInputNotices(): void {
  pendingNotices.length = 0;
}

export function readCluster(file: string): Cluster {
  const cluster = readClusterQuietly(file);
  const line = skippedKindsLine(cluster, file);
  if (line !== null) pendingNotices.push(line);
  return cluster;
}

function readClusterQuietly(file: string): Cluster {
  let large = false;
  if (file !== '-') {
    try {
      large = statSync(file).size > LARGE_INPUT_BYTES;
    } catch {
      large = false; // readBytes reports the problem
    }
  }
  if (file !== '-' && fileIsSnapshot(file)) return parseClusterSnapshot(readBytes(file), file);
  if (!large && file !== '-') return parseClusterText(readInput(file), file);
  const bytes = readBytes(file);
  if (isClusterSnapshot(bytes)) return parseClusterSnapshot(bytes, file);
  if (bytes.length > LARGE_INPUT_BYTES) {
    const cluster = parseLargeJsonList(bytes, file);
    if (cluster !== null) return cluster;
    throw new InputError(file, '', '', 'a cluster file this large must be JSON (kubectl get ... -o json): YAML of this size is not supported');
  }
  return parseClusterText(bytes.toString('utf8'), file);
}

/** Whether the file starts with a cluster snapshot's header (vngshift snapshot); false when it cannot be read. */
function fileIsSnapshot(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(512);
    return isClusterSnapshot(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } catch {
    return false; // readBytes reports the problem
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A kubeconfig loaded and checked, and how to name it in messages. client-node is imported only on the live paths. */
export interface LoadedKubeConfig {
  readonly kc: import('@kubernetes/client-node').KubeConfig;
  /** `kubeconfig FILE (context C)`, or `in-cluster config`: how errors name the cluster. */
  readonly source: string;
  readonly server: string;
}

/**
 * Loads the kubeconfig to use: the file given, else $KUBECONFIG or ~/.kube/config, else the pod's service account. Bad files,
 * unknown contexts and configs with no cluster are InputErrors; nothing is contacted yet.
 */
export async function loadKubeConfig(file: string | undefined, context: string | undefined): Promise<LoadedKubeConfig> {
  const where = file === undefined ? 'flag --kubeconfig' : file;
  if (file !== undefined) {
    try {
      if (!statSync(file).isFile()) throw new InputError(file, '', '', 'is a directory, expected a kubeconfig file');
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(file, '', '', code === 'ENOENT' ? 'no such file (expected a kubeconfig)' : `cannot read (${code ?? String(e)})`);
    }
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (e) {
    throw new InputError(where, '', '', `not a valid kubeconfig (${oneLine(e)})`);
  }
  if (context !== undefined) {
    if (kc.getContextObject(context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      throw new InputError(where, `context ${context}`, '', `no such context${known.length > 0 ? ` (it has: ${known.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.server === '') {
    throw new InputError(where, '', 'current-context', file === undefined && process.env['KUBECONFIG'] === undefined
      ? 'no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a pod; give --kubeconfig FILE'
      : 'the current context names no cluster with a server');
  }
  const ctx = kc.getCurrentContext();
  const source = file === undefined && ctx === 'inClusterContext' ? 'in-cluster config' : `kubeconfig ${file ?? '(default)'}${ctx !== '' ? ` (context ${ctx})` : ''}`;
  return { kc, source, server: cluster.server };
}

/** The first line of an error's message. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? '').trim().slice(0, 300);
}

/**
 * An error from talking to a live cluster, as the one line the CLI prints: unreachable, refused (401/403) or an API error,
 * naming the server. InputErrors pass through.
 */
export function liveInputError(e: unknown, kube: LoadedKubeConfig, doing: string): InputError {
  if (e instanceof InputError) return e;
  if (e instanceof PortError) {
    const why =
      e.kind === 'connectivity'
        ? `cannot reach the API server at ${kube.server} (${e.code ?? e.message})`
        : e.kind === 'forbidden'
          ? `refused (${e.code ?? 'Forbidden'}): ${e.message}`
          : `${e.code ?? e.kind}: ${e.message}`;
    return new InputError(kube.source, '', '', `${doing}: ${why}`);
  }
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  const cause = typeof e === 'object' && e !== null && 'cause' in e ? (e as { cause: unknown }).cause : undefined;
  const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : '';
  let why: string;
  if (code === 401) why = 'the API server refused the credentials (401 Unauthorized)';
  else if (code === 403) why = `forbidden (403): ${apiMessage(e)}`;
  else if (typeof code === 'number') why = `the API server answered ${code}: ${apiMessage(e)}`;
  else why = `cannot reach the API server at ${kube.server} (${causeCode !== '' ? causeCode : oneLine(e)})`;
  return new InputError(kube.source, '', '', `${doing}: ${why}`);
}

function apiMessage(e: unknown): string {
  const body = typeof e === 'object' && e !== null && 'body' in e ? (e as { body: unknown }).body : undefined;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      return body.split('\n')[0] ?? '';
    }
  }
  if (typeof body === 'object' && body !== null && 'message' in body) return String((body as { message: unknown }).message);
  return oneLine(e);
}

export const DEFAULT_NAMESPACE = 'vngshift-system';
export const DEFAULT_MIGRATION_ID = 'default';

/** A namespace name: an RFC 1123 label. */
export function checkNamespace(ns: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns)) {
    throw new InputError('flag --namespace', '', '', `expected a namespace name (lower-case letters, digits and -, at most 63), found "${ns}"`);
  }
}

/** A migration id names a ConfigMap and a Lease (vngshift-<id>...): a short RFC 1123 label. */
export function checkMigrationId(id: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(id)) {
    throw new InputError('flag --migration-id', '', '', `expected lower-case letters, digits and -, at most 40, starting and ending with a letter or digit; found "${id}"`);
  }
}

/** The live cluster read into the same objects a cluster file gives (read only). Errors become one line. */
export async function readLiveCluster(kube: LoadedKubeConfig, opts: import('../live/read-cluster.js').ReadClusterOptions = {}): Promise<Cluster> {
  const { readClusterLive } = await import('../live/read-cluster.js');
  try {
    return await readClusterLive(kube.kc, opts);
  } catch (e) {
    throw liveInputError(e, kube, 'reading the cluster');
  }
}

/** The migration's persisted state, or null when none was saved (read only). */
export async function readPersistedState(kube: LoadedKubeConfig, namespace: string, migrationId: string): Promise<import('../engine/state.js').MigrationState | null> {
  const { readState } = await import('../live/state-store.js');
  try {
    return await readState(kube.kc, namespace, migrationId);
  } catch (e) {
    throw liveInputError(e, kube, `reading the state of migration ${migrationId} in ${namespace}`);
  }
}
