/**
 * Chaos beyond one machine: a Kubernetes Indexed Job (batch/v1, completionMode Indexed) whose pods each run the same
 * `vngshift chaos` command on one shard of the seed range. Kubernetes gives every pod its index in JOB_COMPLETION_INDEX;
 * `--shards N --shard-index-env JOB_COMPLETION_INDEX` makes the command run the index's share of the range, so shard i of
 * --runs T from --seed S runs seeds S + floor(i*T/N) up to S + floor((i+1)*T/N) - 1. Each pod prints its JSON summary; the
 * summaries merge with `vngshift chaos --merge`.
 */
import type { ChaosProfile } from './draw.js';

export interface JobOptions {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly runs: number;
  readonly seed: number;
  readonly profile: ChaosProfile;
  readonly shards: number;
  readonly parallelism: number;
  /** Worker processes per pod (and the CPU it requests; the memory limit per worker was set for threads, not measured for processes). */
  readonly workers: number;
  /** Shrink budget per failing run inside each pod. */
  readonly shrink: number;
}

/** The seeds shard `index` of `shards` runs: [first, first + count). */
export function shardRange(seed: number, runs: number, shards: number, index: number): { first: number; count: number } {
  const from = Math.floor((index * runs) / shards);
  const to = Math.floor(((index + 1) * runs) / shards);
  return { first: seed + from, count: to - from };
}

/** Kubernetes object names: DNS-1123 labels of at most 63 characters for a Job (its pods add a suffix). */
export const JOB_NAME = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;

export function chaosJobManifest(o: JobOptions): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/name': 'vngshift-chaos', 'app.kubernetes.io/instance': o.name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.parallelism,
      // A shard that fails (a violation exits 4) is not retried: its summary is the finding. Infrastructure failures
      // (eviction, node loss) are retried by the pod failure policy below.
      backoffLimitPerIndex: 0,
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          { action: 'FailIndex', onExitCodes: { containerName: 'chaos', operator: 'In', values: [1, 4, 70] } },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'chaos',
              image: o.image,
              command: ['vngshift'],
              args: [
                'chaos',
                '--runs',
                String(o.runs),
                '--seed',
                String(o.seed),
                '--profile',
                o.profile,
                '--shards',
                String(o.shards),
                '--shard-index-env',
                'JOB_COMPLETION_INDEX',
                '--workers',
                String(o.workers),
                '--shrink',
                String(o.shrink),
                '--no-write-regressions',
                '-o',
                'json',
              ],
              resources: {
                requests: { cpu: String(o.workers), memory: `${512 * o.workers}Mi` },
                limits: { memory: `${1024 * o.workers}Mi` },
              },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}
