/**
 * Whether the cluster input and the node selection make a migration at all: a cluster without nodes, a selection that matches
 * no node, or one that names nodes or instances the cluster does not have is bad input, not a plan that moves nothing.
 * Pure; the CLI turns a problem into an InputError naming where the selection came from.
 */
import type { NodeSelection } from '../model/params.js';
import type { Cluster } from '../model/types.js';
import { selectorMatches } from './selectors.js';

export interface SelectionProblem {
  /** What is wrong: the cluster input (no nodes) or the selection. */
  readonly subject: 'cluster' | 'selection';
  /** The parameter's field (nodes, nodeNames, instanceIds) for a selection problem; `items` for the cluster. */
  readonly field: string;
  readonly problem: string;
}

const MAX_NAMED = 5;

function named(list: readonly string[]): string {
  const head = list.slice(0, MAX_NAMED).join(', ');
  return list.length > MAX_NAMED ? `${head} and ${list.length - MAX_NAMED} more` : head;
}

export function selectionProblem(cluster: Cluster, selection: NodeSelection): SelectionProblem | null {
  const total = cluster.nodes.length;
  if (total === 0) {
    return { subject: 'cluster', field: 'items', problem: 'no Node objects found: a plan needs the old nodes (kubectl get nodes,pods,... -A -o json)' };
  }
  switch (selection.kind) {
    case 'all':
      return null;
    case 'labelSelector': {
      const hits = cluster.nodes.filter((n) => selectorMatches(selection.selector, n.labels)).length;
      return hits > 0 ? null : { subject: 'selection', field: 'nodes', problem: `label selector "${selection.text}" matches none of the cluster's ${total} node(s)` };
    }
    case 'nodeNames': {
      const have = new Set(cluster.nodes.map((n) => n.name));
      const missing = selection.names.filter((n) => !have.has(n));
      if (missing.length === 0) return null;
      return { subject: 'selection', field: 'nodeNames', problem: `${missing.length} node name(s) are not in the cluster's ${total} node(s): ${named(missing)}` };
    }
    case 'instanceIds': {
      const have = new Set(cluster.nodes.map((n) => n.instanceId).filter((id): id is string => id !== null));
      const missing = selection.ids.filter((id) => !have.has(id));
      if (missing.length === 0) return null;
      const hint = have.size === 0 ? ' (no node has an aws:/// spec.providerID)' : '';
      return { subject: 'selection', field: 'instanceIds', problem: `${missing.length} instance id(s) match no node's spec.providerID: ${named(missing)}${hint}` };
    }
  }
}
