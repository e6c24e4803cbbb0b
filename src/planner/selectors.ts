/**
 * Label selectors, node selector terms and tolerations with Kubernetes' matching semantics.
 */
import type {
  LabelSelector,
  Labels,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Taint,
  Toleration,
} from '../model/types.js';

/** metav1.LabelSelector: matchLabels and matchExpressions ANDed; an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const req of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || value === undefined || !req.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && req.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** True when the selector is the empty selector {} (matches everything). */
export function selectorIsEmpty(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

function parseIntStrict(s: string): number | null {
  return /^-?\d+$/.test(s) ? Number(s) : null;
}

/** One node selector requirement against a node's labels (or, for matchFields, its name). */
export function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (req.operator) {
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined) return false;
      const have = parseIntStrict(value);
      const want = req.values[0] === undefined ? null : parseIntStrict(req.values[0]);
      if (have === null || want === null) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
  }
}

/** A term matches when all its expressions and fields match; a term with neither matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, nodeName: string, labels: Labels): boolean {
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  for (const req of term.matchExpressions) {
    if (!requirementMatches(req, labels[req.key])) return false;
  }
  for (const req of term.matchFields) {
    const value = req.key === 'metadata.name' ? nodeName : undefined;
    if (!requirementMatches(req, value)) return false;
  }
  return true;
}

/** Terms are ORed; an empty list matches nothing. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], nodeName: string, labels: Labels): boolean {
  for (const term of terms) {
    if (nodeSelectorTermMatches(term, nodeName, labels)) return true;
  }
  return false;
}

/** nodeSelector (exact labels) and required node affinity together, as the NodeAffinity plugin checks them. */
export function nodeAffinityMatches(
  pod: { readonly nodeSelector: Labels; readonly requiredNodeAffinity: readonly NodeSelectorTerm[] | null },
  nodeName: string,
  labels: Labels,
): boolean {
  for (const key in pod.nodeSelector) {
    if (labels[key] !== pod.nodeSelector[key]) return false;
  }
  if (pod.requiredNodeAffinity !== null && !nodeSelectorTermsMatch(pod.requiredNodeAffinity, nodeName, labels)) return false;
  return true;
}

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key === '') return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || toleration.value === taint.value;
}

/** The first NoSchedule/NoExecute taint the tolerations do not tolerate, or null. */
export function firstUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly Taint['effect'][] = ['NoSchedule', 'NoExecute'],
): Taint | null {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) return taint;
  }
  return null;
}

/** kube-scheduler prints a taint as {key: value}. */
export function formatTaint(taint: Taint): string {
  return `{${taint.key}: ${taint.value}}`;
}
