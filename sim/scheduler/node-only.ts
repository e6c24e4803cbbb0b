/**
 * The failures that read the Node object and the pod alone: the filters that come first in the profile (NodeUnschedulable,
 * NodeName, TaintToleration, NodeAffinity) never read a node's pods. A node that failed one of them, and whose Node object
 * is the same since, fails it again with the same result whatever pods came or went: the filters before it read the same
 * Node object too.
 */
import { REASON_NODE_AFFINITY } from './plugins/node-affinity.js';
import { REASON_NODE_NAME } from './plugins/node-name.js';
import { REASON_UNSCHEDULABLE } from './plugins/node-unschedulable.js';
import { REASON_UNTOLERATED_TAINT } from './plugins/taint-toleration.js';
import type { FilterResult } from './types.js';

const NODE_ONLY_REASONS: ReadonlySet<string> = new Set([REASON_UNSCHEDULABLE, REASON_NODE_NAME, REASON_UNTOLERATED_TAINT, REASON_NODE_AFFINITY]);

/** Whether the failure came from a filter that reads the Node object and the pod only. */
export function nodeOnly(r: FilterResult): boolean {
  return r.code !== 'Success' && r.reasons.length === 1 && NODE_ONLY_REASONS.has(r.reasons[0] as string);
}
