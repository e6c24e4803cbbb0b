/**
 * The timing model the planner uses to estimate how long a batch takes. Every default is stated with its reasoning; the
 * simulator and a scenario may override them.
 */
export interface TimingModel {
  /** Cordon and the eviction calls of a batch (API round trips). */
  readonly cordonAndEvictSeconds: number;
  /** From pending pods to a new node Ready: the autoscaler notices (half its period), EC2 boots, the kubelet joins, the node turns Ready. */
  readonly nodeLaunchSeconds: number;
  /** GPU and accelerator families boot slower (larger AMIs, driver and device-plugin start). */
  readonly acceleratedNodeLaunchSeconds: number;
  /** Image pull, container start and the first readiness probe of a replacement pod. */
  readonly podStartSeconds: number;
  /** TerminateInstances and the node object's removal. */
  readonly terminateSeconds: number;
  /**
   * The executor's client-side rate limit (run --qps/--burst; src/live/etiquette.ts): sustained Kubernetes API requests per
   * second and the burst saved up. The engine evicts one pod per request, so a batch of N pods takes at least
   * (N - burst) / qps seconds to drain: 4,053 evictions at 20/s are 200 s (measured: bench:live, README).
   */
  readonly clientQps: number;
  readonly clientBurst: number;
  /** One Kubernetes API request's round trip: tens of milliseconds in-region (EKS), a few on a local control plane. */
  readonly apiLatencySeconds: number;
  /** One eviction's round trip: the API server reads the PodDisruptionBudgets and deletes the pod (sim/timing.ts). */
  readonly evictLatencySeconds: number;
  /**
   * How often the autoscaler looks at Pending pods (cluster-autoscaler's --scan-interval, 10 s by default): a batch's
   * evictions go out over many such periods, and each period's replacements get a scale-up of their own.
   */
  readonly autoscalerIntervalSeconds: number;
  /** How far real launches and pod starts stray from the figures above (a fraction); the plan's time is a range from it. */
  readonly spread: number;
}

/**
 * How far real launches and pod starts stray from the figures above: the planner gives a range, not a point, wherever a
 * threshold is near (launches vary with AMI, capacity and the autoscaler's reaction; pod starts with image pulls).
 */
export const TIMING_SPREAD = 0.25;

export const DEFAULT_TIMING: TimingModel = {
  cordonAndEvictSeconds: 5,
  // The rehearsal's EKS figures (sim/timing.ts), as timingModelFromFigures makes them: the autoscaler's reaction (half its
  // 10 s period), EC2's boot (45 s; 225 s for accelerated types), the kubelet's join (30 s) and the node Ready (15 s).
  nodeLaunchSeconds: 95,
  acceleratedNodeLaunchSeconds: 275,
  podStartSeconds: 30,
  terminateSeconds: 10,
  // client-go's defaults are 5/10; vngshift's executor raises them as controllers commonly do (src/live/etiquette.ts).
  clientQps: 20,
  clientBurst: 40,
  apiLatencySeconds: 0.05,
  // No measurement on EKS of an eviction against a patch: the same as any request.
  evictLatencySeconds: 0.05,
  autoscalerIntervalSeconds: 10,
  spread: TIMING_SPREAD,
};

/**
 * The requests a batch's drain makes besides its evictions: a cordon and its Event per node, and the state saved around
 * them; with cordonAllAtStart (`cordonedAtStart`) its nodes are cordoned already and only the state is saved. The batch
 * estimate (batches.ts) and the expected fleet's eviction pace (expected-fleet.ts) both count them.
 */
export function drainOverheadRequests(nodes: number, cordonedAtStart = false): number {
  return cordonedAtStart ? 2 : nodes * 2 + 2;
}

/**
 * Of drainOverheadRequests, those the executor does not wait for: the Events it records (fire and forget) take their token
 * of the rate limit, not a round trip of their own.
 */
export function unawaitedRequests(nodes: number, cordonedAtStart = false): number {
  return cordonedAtStart ? 0 : nodes;
}

/**
 * cordonAllAtStart's requests before the first batch: a cordon and its Event per old node not cordoned already, the state
 * saved around them (the Events not waited for: `oldNodes` of them unawaited).
 */
export function cordonAllRequests(oldNodes: number): number {
  return oldNodes * 2 + 2;
}

/**
 * Seconds the executor needs for `calls` Kubernetes API requests made one after the other, `evictions` of them evictions:
 * each takes its round trip (but the `unawaited` ones, sent without waiting for the answer), and once the burst is spent no
 * more than `clientQps` go out per second.
 */
export function apiCallsSeconds(
  timing: Pick<TimingModel, 'apiLatencySeconds' | 'evictLatencySeconds' | 'clientQps' | 'clientBurst'>,
  calls: number,
  evictions = 0,
  unawaited = 0,
): number {
  if (calls <= 0) return 0;
  const evicts = Math.min(Math.max(0, evictions), calls);
  const others = Math.max(0, calls - evicts - Math.max(0, unawaited));
  const roundTrips = evicts * timing.evictLatencySeconds + others * timing.apiLatencySeconds;
  return Math.max(roundTrips, (calls - timing.clientBurst) / timing.clientQps);
}

/**
 * The planner's model from the rehearsal's figures (a timing file written by `vngshift calibrate`, or a scenario's timing):
 * a node launch is the autoscaler's reaction, the boot, the join and readiness; a pod start is the pull and start plus the
 * first readiness probe. Figures not given keep the planner's defaults.
 */
export function timingModelFromFigures(f: Readonly<Record<string, number | undefined>>, spread?: number): TimingModel {
  const d = DEFAULT_TIMING;
  const launchParts = [f['instanceBootSeconds'], f['nodeJoinSeconds'], f['nodeReadySeconds']];
  const anyLaunch = launchParts.some((v) => v !== undefined);
  // Unknown parts of a launch keep the rehearsal's defaults (45 s boot, 30 s join, 15 s Ready, 10 s autoscaler period).
  const launch = (f['instanceBootSeconds'] ?? 45) + (f['nodeJoinSeconds'] ?? 30) + (f['nodeReadySeconds'] ?? 15) + (f['autoscalerIntervalSeconds'] ?? 10) / 2;
  const accelBoot = f['acceleratedInstanceBootSeconds'];
  const podStart = f['podStartSeconds'] !== undefined || f['podReadySeconds'] !== undefined ? (f['podStartSeconds'] ?? 20) + (f['podReadySeconds'] ?? 10) : d.podStartSeconds;
  return {
    cordonAndEvictSeconds: d.cordonAndEvictSeconds,
    nodeLaunchSeconds: anyLaunch ? launch : d.nodeLaunchSeconds,
    acceleratedNodeLaunchSeconds: accelBoot !== undefined ? launch - (f['instanceBootSeconds'] ?? 45) + accelBoot : d.acceleratedNodeLaunchSeconds,
    podStartSeconds: podStart,
    terminateSeconds: d.terminateSeconds,
    clientQps: f['clientQps'] ?? d.clientQps,
    clientBurst: f['clientBurst'] ?? d.clientBurst,
    apiLatencySeconds: f['apiLatencySeconds'] ?? d.apiLatencySeconds,
    evictLatencySeconds: f['evictLatencySeconds'] ?? f['apiLatencySeconds'] ?? d.evictLatencySeconds,
    autoscalerIntervalSeconds: f['autoscalerIntervalSeconds'] ?? d.autoscalerIntervalSeconds,
    spread: spread ?? d.spread,
  };
}

const ACCELERATED = /^(p\d|g\d|inf\d|trn\d|dl\d|f\d|vt\d|gr\d)/;

export function launchSeconds(timing: Pick<TimingModel, 'nodeLaunchSeconds' | 'acceleratedNodeLaunchSeconds'>, instanceType: string): number {
  return ACCELERATED.test(instanceType) ? timing.acceleratedNodeLaunchSeconds : timing.nodeLaunchSeconds;
}

/**
 * Seconds from evicting a pod to its replacement being Ready, as a range: a new node when one is needed, the old pod's grace
 * period when the replacement must wait for it (StatefulSets), then the pod's start.
 */
export function replacementReadyRange(timing: TimingModel, launch: number, graceSeconds: number): { lo: number; hi: number } {
  const mid = launch + timing.podStartSeconds;
  return { lo: mid * (1 - timing.spread) + graceSeconds, hi: mid * (1 + timing.spread) + graceSeconds + timing.cordonAndEvictSeconds * 3 };
}
