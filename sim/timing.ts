/**
 * The simulator's timing model: how long the things a migration waits for take. Every default says where it comes from; a
 * scenario or the CLI may override any of them (`simulate({ timing: { ... } })`).
 */
import { DEFAULT_TIMING } from '../src/planner/timing.js';

export interface SimTiming {
  /** One Kubernetes API round trip (cordon, delete, binding, state save). In-region API calls take tens of milliseconds. */
  readonly apiLatencySeconds: number;
  /**
   * One eviction's round trip. The API server does more for an eviction than for a patch (it reads the PodDisruptionBudgets,
   * may update one, marks the pod and deletes it): on the local control plane an eviction takes 3-4 times a cordon, and
   * a loaded server stretches evictions more than the rest. Not given in a timing file: apiLatencySeconds's value.
   */
  readonly evictLatencySeconds: number;
  /**
   * The executor's client-side rate limit on Kubernetes API calls (a token bucket: `clientQps` sustained, `clientBurst` at
   * once after a quiet spell), as `run --qps/--burst` sets it for the live adapters (src/live/etiquette.ts, default 20/40).
   * A call waits for its token, then takes apiLatencySeconds. With the EC2 model's 50 ms calls made one after the other it
   * hardly binds; on a fast API server (a local control plane answers in a few ms) it is what paces the evictions.
   */
  readonly clientQps: number;
  readonly clientBurst: number;
  /** One EC2 API call (RunInstances, TerminateInstances): EC2 answers in a few hundred milliseconds. */
  readonly ec2LatencySeconds: number;
  /** kube-scheduler's delay from a change (new pod, new node) to its next scheduling pass: its queue flushes within ~100 ms. */
  readonly schedulerDelaySeconds: number;
  /** Period of Ocean's autoscaler scale-up loop: Ocean reacts to pending pods within seconds (we use 10 s). */
  readonly autoscalerIntervalSeconds: number;
  /**
   * EC2 pending -> running and booted for a general-purpose type (planner: 95 s node launch in all, with the join, Ready and the autoscaler's half period). The 45 s here with
   * the join and Ready below (90 s from RunInstances to a Ready node) is the slow end of what is published: awslabs'
   * node-latency-for-k8s example runs (c6a.large, EKS AMI, 2022) show the VM initialised at 11-13 s, the kubelet registered
   * at 19-20 s and the node Ready at 24-30 s; a Karpenter maintainer puts nodes Ready typically in 30-40 s
   * (aws/karpenter-provider-aws#6165, 2024); reports with custom AMIs or older bootstraps see registration at 39 s
   * (awslabs/amazon-eks-ami#1099, c5.xlarge) and Ready at 70-100 s (aws/karpenter-provider-aws#3102). Not measured on EC2
   * by this project: `vngshift calibrate` on a run's trace gives a cluster's own.
   */
  readonly instanceBootSeconds: number;
  /** The same for GPU/accelerator families: larger AMIs, driver load (planner: 275 s in all). */
  readonly acceleratedInstanceBootSeconds: number;
  /** running -> the kubelet registers the Node (bootstrap script, kubelet start, TLS bootstrap): ~30 s. */
  readonly nodeJoinSeconds: number;
  /** Node registered -> Ready (CNI plugin starts, first node status): ~15 s with the VPC CNI. */
  readonly nodeReadySeconds: number;
  /** Launch times vary by +-this fraction (seeded). */
  readonly launchJitter: number;
  /**
   * Bound -> Running: image pull and container start (planner: 30 s pod start including readiness). Kubernetes' own SLO for
   * pod startup excludes the image pull (5 s at the 99th percentile, sig-scalability's pod_startup_latency); the pull is most
   * of a start (AWS puts it at about three quarters, for its Seekable OCI work) and grows with the image (about a minute
   * for a 400 MB image without lazy loading, a third-party measurement on Fargate). An estimate for a mid-sized image.
   */
  readonly podStartSeconds: number;
  /** Running -> Ready: the first readiness probe passes (initialDelaySeconds of ~10 s is common). */
  readonly podReadySeconds: number;
  /** Pod start and readiness times vary by +-this fraction (seeded). */
  readonly podJitter: number;
  /** Graceful termination takes the pod's terminationGracePeriodSeconds, capped here (most apps exit well before 30 s). */
  readonly maxTerminationSeconds: number;
  /** EC2 shutting-down -> terminated: typically under a minute. */
  readonly instanceShutdownSeconds: number;
  /** An instance stopped answering -> its Node turns NotReady: kube-controller-manager's node-monitor-grace-period (40 s). */
  readonly nodeNotReadySeconds: number;
  /**
   * A node NotReady -> its pods are evicted by taint-based eviction: the DefaultTolerationSeconds admission plugin gives every
   * pod 300 s of tolerance for node.kubernetes.io/not-ready and /unreachable.
   */
  readonly taintEvictionSeconds: number;
  /** Instance terminated -> the cloud node lifecycle controller deletes the Node object (it polls; ~30 s). */
  readonly nodeDeleteSeconds: number;
  /** After an InsufficientInstanceCapacity error the autoscaler avoids the type/zone this long (a couple of minutes, as EC2 advises). */
  readonly capacityBackoffSeconds: number;
  /**
   * The executor's own time per reconcile besides its API requests: building the snapshot from its watch caches, the
   * decisions, serialising the state; on a loaded machine, waiting for a CPU. The engine sleeps its interval after each
   * reconcile, so this adds to every one. 0 in the EKS model (no measurement of an executor in a cluster yet); the KWOK
   * model's is measured on this project's machine (sim/timing-file.ts); calibrate fits it from a run's trace.
   */
  readonly reconcileSeconds: number;
  /** A crashed engine is back (pod restart, leader election lease of 15 s) after this long. */
  readonly engineRestartSeconds: number;
}

export const DEFAULT_SIM_TIMING: SimTiming = {
  apiLatencySeconds: 0.05,
  // No measurement on EKS of an eviction against a patch: the same as any request.
  evictLatencySeconds: DEFAULT_TIMING.evictLatencySeconds,
  clientQps: DEFAULT_TIMING.clientQps,
  clientBurst: DEFAULT_TIMING.clientBurst,
  ec2LatencySeconds: 0.3,
  schedulerDelaySeconds: 0.1,
  autoscalerIntervalSeconds: 10,
  // The planner's launch figures (DEFAULT_TIMING) are these with the join, Ready and half an autoscaler period
  // (timingModelFromFigures; test/unit/planner/timing-defaults.test.ts pins it).
  instanceBootSeconds: 45,
  acceleratedInstanceBootSeconds: 225,
  nodeJoinSeconds: 30,
  nodeReadySeconds: 15,
  launchJitter: 0.2,
  podStartSeconds: 20,
  podReadySeconds: 10,
  podJitter: 0.3,
  maxTerminationSeconds: 30,
  instanceShutdownSeconds: 30,
  nodeNotReadySeconds: 40,
  taintEvictionSeconds: 300,
  nodeDeleteSeconds: 30,
  capacityBackoffSeconds: 120,
  engineRestartSeconds: 20,
  reconcileSeconds: 0,
};

/**
 * The defaults with the given values over them; rejects negative or non-finite values. An eviction's latency not given is
 * the given request latency (timing files older than the field state one latency for every request).
 */
export function resolveTiming(over: Partial<SimTiming> = {}): SimTiming {
  const out: Record<string, number> = { ...DEFAULT_SIM_TIMING };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in DEFAULT_SIM_TIMING)) throw new RangeError(`unknown timing field ${k}; expected one of ${Object.keys(DEFAULT_SIM_TIMING).join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`timing ${k} must be a number >= 0, found ${String(v)}`);
    out[k] = v;
  }
  if (over.evictLatencySeconds === undefined) out['evictLatencySeconds'] = out['apiLatencySeconds'] as number;
  if (!((out['clientQps'] ?? 0) > 0)) throw new RangeError(`timing clientQps must be > 0, found ${String(out['clientQps'])}`);
  if (!((out['clientBurst'] ?? 0) >= 1)) throw new RangeError(`timing clientBurst must be >= 1, found ${String(out['clientBurst'])}`);
  return out as unknown as SimTiming;
}

const ACCELERATED = /^(p\d|g\d|inf\d|trn\d|dl\d|f\d|vt\d|gr\d)/;

/** EC2 boot time of an instance type, before jitter and slow-launch faults. */
export function bootSeconds(t: SimTiming, instanceType: string): number {
  return ACCELERATED.test(instanceType) ? t.acceleratedInstanceBootSeconds : t.instanceBootSeconds;
}
