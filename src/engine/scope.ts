/**
 * Which pods a migration answers for. One of every node replaces the cluster's whole capacity, so every pod is its concern.
 * A partial one (a node selection) answers only for the controllers it evicted from: their pods, Pending ones included; not
 * a Pending pod elsewhere in the cluster, a stand-alone one, nor a workload created meanwhile.
 */
import type { PodView } from './ports.js';
import type { MigrationState } from './state.js';

export function answersFor(state: Readonly<MigrationState>, pod: Pick<PodView, 'ownerUid'>): boolean {
  return state.params.nodes.kind === 'all' || (pod.ownerUid !== null && state.lastEvictedAt[pod.ownerUid] !== undefined);
}
