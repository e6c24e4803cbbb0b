/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * kube-scheduler's default profile as this scheduler runs it (kube-scheduler pkg/scheduler/apis/config/v1/default_plugins.go):
 * filters in the profile's order, score plugins with their default weights. Left out: VolumeRestrictions and
 * NodeVolumeLimits (the model has no per-node attach limits or ReadWriteOncePod claims), ImageLocality (weight 1; the model
 * has no images), DRA, and kube-scheduler's system default topology spread constraints.
 */
import { balancedAllocationScore } from './plugins/balanced-allocation.js';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/inter-pod-affinity.js';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesFitFilter, nodeResourcesFitScore } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpreadFilter, podTopologySpreadScore } from './plugins/pod-topology-spread.js';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.js';
import { volumeBinding } from './plugins/volume-binding.js';
import { volumeZone } from './plugins/volume-zone.js';
import type { FilterPlugin, ScorePlugin } from './types.js';

export const DEFAULT_FILTERS: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePorts,
  nodeResourcesFitFilter,
  volumeBinding,
  volumeZone,
  podTopologySpreadFilter,
  interPodAffinityFilter,
];

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

export const DEFAULT_SCORES: readonly WeightedScorePlugin[] = [
  { plugin: taintTolerationScore, weight: 3 },
  { plugin: nodeAffinityScore, weight: 2 },
  { plugin: podTopologySpreadScore, weight: 2 },
  { plugin: interPodAffinityScore, weight: 2 },
  { plugin: nodeResourcesFitScore, weight: 1 },
  { plugin: balancedAllocationScore, weight: 1 },
];
