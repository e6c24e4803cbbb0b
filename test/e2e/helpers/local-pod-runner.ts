/**
 * The container runtime the e2e control plane does not have, for the pods of one Job. KWOK acts as the kubelet of the node
 * (it marks a bound pod Running with its containers started); this runner then does what the container would: for each pod
 * KWOK started, it runs the pod's one container command with its arguments and the environment the pod spec gives it
 * (`value`, or `valueFrom.fieldRef` read from the pod, as the kubelet resolves JOB_COMPLETION_INDEX), on this machine, with
 * the built CLI standing for the image's `vngshift`. Both output streams go, in the order they come, to the pod's log file
 * (laid out as the kubelet's <namespace>_<pod>_<uid>/<container>/0.log), which is what `kubectl logs` returns. When the
 * process exits, the runner writes the pod's terminal status as the kubelet does: phase Succeeded (exit code 0) or Failed,
 * the container terminated with its exit code, Ready false; the Job controller takes it from there.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { sleep, statusCode } from './cluster-kit.js';

/** One pod the runner ran. */
export interface PodRun {
  readonly pod: string;
  /** Its Job completion index (annotation batch.kubernetes.io/job-completion-index). */
  readonly index: string;
  readonly logFile: string;
  readonly argv: readonly string[];
  readonly startedAt: Date;
  finishedAt: Date | null;
  exitCode: number | null;
}

export interface PodRunnerOptions {
  readonly core: k8s.CoreV1Api;
  readonly namespace: string;
  /** Pods this selector picks (e.g. app.kubernetes.io/instance=<job>), bound to `node`. */
  readonly labelSelector: string;
  readonly node: string;
  readonly logDir: string;
  /** The container's command as this machine runs it (e.g. ['vngshift'] -> [node, bin/vngshift.js]). */
  readonly resolveCommand: (argv: readonly string[]) => readonly string[];
  readonly everyMs?: number;
}

export interface PodRunner {
  readonly runs: readonly PodRun[];
  /**
   * Stops looking for new pods and waits for the processes running now (and their status writes); with `kill`, kills them
   * first (cleanup after a failed test).
   */
  stop(opts?: { kill?: boolean }): Promise<void>;
}

const INDEX = 'batch.kubernetes.io/job-completion-index';

/** The value of a downward-API field path of the pod, for the paths a Job's pods use. */
export function podField(pod: k8s.V1Pod, path: string): string {
  const m = /^metadata\.(annotations|labels)\['([^']+)'\]$/.exec(path);
  if (m) {
    const map = m[1] === 'annotations' ? pod.metadata?.annotations : pod.metadata?.labels;
    return map?.[m[2] as string] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    default:
      throw new Error(`the local pod runner does not resolve fieldRef ${path}`);
  }
}

/** The container's environment as the kubelet gives it (values and field references; nothing else is used here). */
export function containerEnv(pod: k8s.V1Pod, c: k8s.V1Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) env[e.name] = podField(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom !== undefined) throw new Error(`the local pod runner does not resolve env ${e.name} from ${Object.keys(e.valueFrom).join(', ')}`);
    else env[e.name] = '';
  }
  return env;
}

/** Writes the pod's terminal status (read, change, replace; again on a conflict with KWOK or the Job controller). */
async function finishPod(core: k8s.CoreV1Api, namespace: string, name: string, container: string, run: PodRun): Promise<void> {
  const code = run.exitCode ?? 137;
  for (let attempt = 0; ; attempt++) {
    const pod = await core.readNamespacedPod({ name, namespace });
    const now = run.finishedAt ?? new Date();
    const image = pod.spec?.containers.find((c) => c.name === container)?.image ?? '';
    const status: k8s.V1PodStatus = pod.status ?? {};
    status.phase = code === 0 ? 'Succeeded' : 'Failed';
    status.containerStatuses = [
      {
        name: container,
        image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: run.startedAt, finishedAt: now } },
      },
    ];
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady');
    for (const type of ['Ready', 'ContainersReady']) conditions.push({ type, status: 'False', reason: 'PodCompleted', lastTransitionTime: now });
    status.conditions = conditions;
    pod.status = status;
    try {
      await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
      return;
    } catch (e) {
      if (statusCode(e) !== 409 || attempt > 20) throw e;
    }
  }
}

/** Starts watching the namespace (by polling) and running the pods KWOK started on `node`. */
export function startPodRunner(o: PodRunnerOptions): PodRunner {
  const runs: PodRun[] = [];
  const started = new Set<string>();
  const running: Promise<void>[] = [];
  const children = new Set<ReturnType<typeof spawn>>();
  const errors: unknown[] = [];
  let stopped = false;

  const run = (pod: k8s.V1Pod): void => {
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    const c = pod.spec?.containers[0];
    if (!c || (pod.spec?.containers.length ?? 0) !== 1) throw new Error(`pod ${name}: the local pod runner runs pods of exactly one container`);
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    const [file, ...rest] = o.resolveCommand(argv);
    if (file === undefined) throw new Error(`pod ${name}: no command`);
    const dir = join(o.logDir, `${o.namespace}_${name}_${uid}`, c.name);
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, '0.log');
    const log = createWriteStream(logFile);
    const record: PodRun = { pod: name, index: pod.metadata?.annotations?.[INDEX] ?? '', logFile, argv, startedAt: new Date(), finishedAt: null, exitCode: null };
    runs.push(record);
    const child = spawn(file, rest, { cwd: process.cwd(), env: { ...process.env, ...containerEnv(pod, c) }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout.on('data', (d: Buffer) => log.write(d));
    child.stderr.on('data', (d: Buffer) => log.write(d));
    running.push(
      new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
          children.delete(child);
          record.exitCode = code ?? (signal !== null ? 128 + 9 : 1);
          record.finishedAt = new Date();
          log.end(resolve);
        });
      })
        .then(() => finishPod(o.core, o.namespace, name, c.name, record))
        .catch((e: unknown) => {
          errors.push(e);
        }),
    );
  };

  const loop = (async (): Promise<void> => {
    while (!stopped) {
      try {
        const pods = (await o.core.listNamespacedPod({ namespace: o.namespace, labelSelector: o.labelSelector })).items;
        for (const p of pods) {
          const uid = p.metadata?.uid ?? '';
          // KWOK, the node's kubelet, has started the pod's containers: now run what they hold.
          if (started.has(uid) || p.spec?.nodeName !== o.node || p.status?.phase !== 'Running' || p.metadata?.deletionTimestamp) continue;
          started.add(uid);
          run(p);
        }
      } catch (e) {
        errors.push(e);
        stopped = true;
      }
      await sleep(o.everyMs ?? 500);
    }
  })();

  return {
    runs,
    async stop(opts = {}): Promise<void> {
      stopped = true;
      if (opts.kill === true) for (const child of children) child.kill('SIGKILL');
      await loop;
      await Promise.all(running);
      if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    },
  };
}
