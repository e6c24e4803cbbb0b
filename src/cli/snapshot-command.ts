/**
 * `vngshift snapshot`: the cluster as the planner sees it, in a compact file that `plan`, `simulate` and `run` take with
 * --cluster (src/model/snapshot/format.ts). Read live through a kubeconfig (watch cache, page by page, each page pruned as it
 * arrives) or converted from a kubectl dump (--cluster). Only the fields the planner reads are written: no Secret or
 * ConfigMap, no env values, no managedFields, no annotation the program does not read; safe to attach to a ticket.
 * The objects are parsed before the file is written, so a snapshot that is written can be planned from.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { clusterFromValues } from '../model/kube/cluster.js';
import type { TopLevelValue } from '../model/kube/envelope.js';
import { splitJsonListItems } from '../model/kube/json-list-split.js';
import { isClusterSnapshot, readSnapshot, snapshotValues, writeSnapshot, type SnapshotMetadata, type WriteOptions } from '../model/snapshot/format.js';
import { parseYamlDocuments } from '../model/yaml-input.js';
import { flushInputNotices, liveInputError, loadKubeConfig, skippedKindsLine } from './inputs.js';

interface SnapshotOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  output?: string;
  pageSize?: string;
  wholePods?: boolean;
}

/** Above this size a JSON dump is split into items rather than decoded as one string (as inputs.ts does for plan). */
const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

function readAll(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, '', '', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(e)})`);
  }
}

/** The top-level values of a cluster file: a snapshot's objects, a large JSON List's items, or YAML/JSON documents. */
function decodeClusterFile(file: string): TopLevelValue[] {
  const bytes = readAll(file);
  if (isClusterSnapshot(bytes)) return readSnapshot(bytes, file).objects;
  if (bytes.length > LARGE_INPUT_BYTES) {
    const items = splitJsonListItems(bytes, file);
    if (items === null) throw new InputError(file, '', '', 'a cluster file this large must be JSON (kubectl get ... -o json): YAML of this size is not supported');
    return items.map((value, i) => ({ value, where: `items[${i}]` }));
  }
  const docs = parseYamlDocuments(bytes.toString('utf8'), file);
  return docs.map((value, i) => ({ value, where: docs.length === 1 ? '' : `document ${i + 1}` }));
}

/** The kept objects of a cluster file, checked by the same parser plan uses (its errors, its note on skipped kinds). */
function objectsFromFile(file: string): Record<string, unknown>[] {
  const values = decodeClusterFile(file);
  if (values.every(({ value }) => value === null || value === undefined)) {
    throw new InputError(file, '', '', 'expected a v1 List or Kubernetes objects; found an empty document');
  }
  const cluster = clusterFromValues(values, file);
  const line = skippedKindsLine(cluster, file);
  if (line !== null) process.stderr.write(`${line} (not written to the snapshot)\n`);
  return snapshotValues(values, file).map(({ value }) => value as Record<string, unknown>);
}

function pageSizeFlag(text: string | undefined): number {
  if (text === undefined) return 500;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new InputError('flag --page-size', '', '', `expected a whole number between 1 and 100000; found "${text}"`);
  return n;
}

/** Writes through a temporary file renamed at the end, so a failed write leaves no half snapshot under the name. */
function writeOut(output: string, objects: readonly Record<string, unknown>[], metadata: SnapshotMetadata, options: WriteOptions): number {
  if (output === '-') {
    let bytes = 0;
    writeSnapshot(
      objects,
      metadata,
      (chunk) => {
        bytes += Buffer.byteLength(chunk);
        process.stdout.write(chunk);
      },
      options,
    );
    return bytes;
  }
  const tmp = `${output}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const fdNow = fd;
    writeSnapshot(
      objects,
      metadata,
      (chunk) => {
        writeSync(fdNow, chunk);
      },
      options,
    );
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, output);
    return statSync(output).size;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    throw new InputError(output, '', '', `cannot write the snapshot (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** `, 19% of the 628.0 MB read` when a cluster file was converted (not for standard input), else nothing. */
function againstInput(written: number, input: string | undefined): string {
  if (input === undefined || input === '-') return '';
  let read: number;
  try {
    read = statSync(input).size;
  } catch {
    return '';
  }
  return read > 0 ? `, ${Math.round((100 * written) / read)}% of the ${(read / 1e6).toFixed(1)} MB read` : '';
}

function countsText(objects: readonly Record<string, unknown>[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(String(o['kind']), (counts.get(String(o['kind'])) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

export function snapshotCommand(): Command {
  return new Command('snapshot')
    .description('write the cluster as the planner reads it (only the fields it needs, no secrets) to a file plan/simulate/run --cluster take')
    .option('--kubeconfig <file>', 'read the cluster live through this kubeconfig (read only)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--cluster <file>', 'convert a cluster file instead (kubectl get ... -o json|yaml, or a snapshot); - for stdin')
    .option('-o, --output <file>', 'where to write the snapshot; - for standard output')
    .option('--page-size <n>', 'objects per list request when reading live (default 500)')
    .option('--whole-pods', 'write every pod whole (layout vngshift.io/v1), for tools that read pods with jq; by default the fields pods share are written once')
    .action(async (opts: SnapshotOptions) => {
      if (opts.output === undefined) throw new InputError('flag --output', '', '', 'required: the file to write (-o FILE, or - for standard output)');
      if (opts.kubeconfig !== undefined && opts.cluster !== undefined) {
        throw new InputError('flag --kubeconfig', '', '', 'give either --cluster FILE or --kubeconfig, not both');
      }
      if (opts.kubeconfig === undefined && opts.cluster === undefined) {
        throw new InputError('flag --kubeconfig', '', '', 'required: the cluster to read (or --cluster FILE to convert a kubectl dump)');
      }
      if (opts.context !== undefined && opts.kubeconfig === undefined) throw new InputError('flag --context', '', '', 'needs --kubeconfig');
      const pageSize = pageSizeFlag(opts.pageSize);
      const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      let objects: Record<string, unknown>[];
      let source: string;
      if (opts.cluster !== undefined) {
        objects = objectsFromFile(opts.cluster);
        source = opts.cluster === '-' ? 'standard input' : `file ${basename(opts.cluster)}`;
      } else {
        const kube = await loadKubeConfig(opts.kubeconfig, opts.context);
        const { listClusterObjects } = await import('../live/read-cluster.js');
        try {
          objects = (await listClusterObjects(kube.kc, { fromCache: true, keepFields: true, pageSize })) as Record<string, unknown>[];
        } catch (e) {
          throw liveInputError(e, kube, 'reading the cluster');
        }
        source = `context ${kube.kc.getCurrentContext()}`;
        clusterFromValues(objects.map((value, i) => ({ value, where: `objects[${i}]` })), `cluster (${source})`);
      }
      const bytes = writeOut(opts.output, objects, { createdAt, source, generator: 'vngshift snapshot' }, { sharePods: opts.wholePods !== true });
      flushInputNotices();
      process.stderr.write(`vngshift: wrote ${opts.output === '-' ? 'the snapshot' : opts.output} (${(bytes / 1e6).toFixed(1)} MB${againstInput(bytes, opts.cluster)}): ${countsText(objects)}\n`);
    });
}
