/**
 * The timing model the planner uses to estimate how long a batch takes. Every default is stated with its reasoning; the
 * simulator and a scenario may override them.
 */
export interface TimingModel {
  /** Cordon and the eviction calls of a batch (API round trips). */
  readonly cordonAndEvictSeconds: number;
  /** From pending pods to a new node Ready: the autoscaler notices (~30 s), EC2 boots (~45 s), kubelet joins (~45 s). */
  readonly nodeLaunchSeconds: number;
  /** GPU and accelerator families boot slower (larger AMIs, driver and device-plugin start). */
  readonly acceleratedNodeLaunchSeconds: number;
  /** Image pull, container start and the first readiness probe of a replacement pod. */
  readonly podStartSeconds: number;
  /** TerminateInstances and the node object's removal. */
  readonly terminateSeconds: number;
}

/**
 * How far real launches and pod starts stray from the figures above: the planner gives a range, not a point, wherever a
 * threshold is near (launches vary with AMI, capacity and the autoscaler's reaction; pod starts with image pulls).
 */
export const TIMING_SPREAD = 0.25;

export const DEFAULT_TIMING: TimingModel = {
  cordonAndEvictSeconds: 5,
  nodeLaunchSeconds: 120,
  acceleratedNodeLaunchSeconds: 300,
  podStartSeconds: 30,
  terminateSeconds: 10,
};

const ACCELERATED = /^(p\d|g\d|inf\d|trn\d|dl\d|f\d|vt\d|gr\d)/;

export function launchSeconds(timing: TimingModel, instanceType: string): number {
  return ACCELERATED.test(instanceType) ? timing.acceleratedNodeLaunchSeconds : timing.nodeLaunchSeconds;
}

/**
 * Seconds from evicting a pod to its replacement being Ready, as a range: a new node when one is needed, the old pod's grace
 * period when the replacement must wait for it (StatefulSets), then the pod's start.
 */
export function replacementReadyRange(timing: TimingModel, launch: number, graceSeconds: number): { lo: number; hi: number } {
  const mid = launch + timing.podStartSeconds;
  return { lo: mid * (1 - TIMING_SPREAD) + graceSeconds, hi: mid * (1 + TIMING_SPREAD) + graceSeconds + timing.cordonAndEvictSeconds * 3 };
}
