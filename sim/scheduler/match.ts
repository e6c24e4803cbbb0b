/** Selector, node-selector and toleration matching with kube-scheduler's semantics (own code; the planner's is not used). */
import type { Labels, LabelSelector, Node, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, Taint, Toleration } from '../../src/model/types.js';
import type { SchedPod, Snapshot } from './types.js';

/** metav1.LabelSelector: null selects nothing; empty selects everything. */
export function selectorMatches(selector: LabelSelector | null, labels: Labels): boolean {
  if (selector === null) return false;
  const want = selector.matchLabels;
  for (const k in want) if (labels[k] !== want[k]) return false;
  for (const r of selector.matchExpressions) {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.operator) {
      case 'In': if (!has || !r.values.includes(v ?? '')) return false; break;
      case 'NotIn': if (has && r.values.includes(v ?? '')) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && r.values.includes(value);
    case 'NotIn': return value === undefined || !r.values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(r.values[0] ?? '', 10);
      if (!Number.isFinite(have) || !Number.isFinite(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
  }
}

/** One v1.NodeSelectorTerm: requirements ANDed; a term with no requirements matches nothing. */
export function nodeTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  return (
    term.matchExpressions.every((r) => requirementMatches(r, node.labels[r.key])) &&
    term.matchFields.every((r) => requirementMatches(r, node.name))
  );
}

/** nodeSelector AND (any required node affinity term) - what NodeAffinity's filter and the spread policy check. */
export function podNodeAffinityMatches(pod: SchedPod, node: Node): boolean {
  const selector = pod.nodeSelector;
  for (const k in selector) if (Object.hasOwn(selector, k) && node.labels[k] !== selector[k]) return false;
  if (pod.requiredNodeAffinity === null) return true;
  return pod.requiredNodeAffinity.some((t) => nodeTermMatches(t, node));
}

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect !== '' && tol.effect !== taint.effect) return false;
  if (tol.key !== '' && tol.key !== taint.key) return false;
  if (tol.operator === 'Exists') return true;
  return tol.value === taint.value;
}

/** The first NoSchedule/NoExecute taint no toleration covers, or null. */
export function untoleratedHardTaint(tolerations: readonly Toleration[], taints: readonly Taint[]): Taint | null {
  for (const t of taints) {
    if (t.effect === 'PreferNoSchedule') continue;
    if (!tolerations.some((tol) => tolerates(tol, t))) return t;
  }
  return null;
}

/** Whether `target` is in a pod affinity term's namespaces, the term being owned by a pod in `ownerNamespace`. */
export function termNamespaceMatches(term: PodAffinityTerm, ownerNamespace: string, targetNamespace: string, snapshot: Snapshot): boolean {
  if (term.namespaces.length === 0 && term.namespaceSelector === null) return targetNamespace === ownerNamespace;
  if (term.namespaces.includes(targetNamespace)) return true;
  if (term.namespaceSelector === null) return false;
  return selectorMatches(term.namespaceSelector, snapshot.namespaceLabels[targetNamespace] ?? {});
}

/** A pod affinity term owned by `owner` selects `target` (namespace and label selector). */
export function termSelects(term: PodAffinityTerm, owner: SchedPod, target: SchedPod, snapshot: Snapshot): boolean {
  return termNamespaceMatches(term, owner.namespace, target.namespace, snapshot) && selectorMatches(term.labelSelector, target.labels);
}
