/** Label selectors, node selector terms, taints and tolerations, read from decoded Kubernetes objects. */

import { inputError } from '../errors.js';
import type { ErrorContext } from '../errors.js';
import type {
  LabelSelector,
  LabelSelectorRequirement,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  SelectorOperator,
  Taint,
  TaintEffect,
  Toleration,
} from '../types.js';
import { enumString, fieldPath, objectList, optObject, optString, reqString, stringList, stringMap } from './fields.js';
import type { Obj } from './fields.js';

const SELECTOR_OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const NODE_SELECTOR_OPERATORS: readonly NodeSelectorRequirement['operator'][] = [...SELECTOR_OPERATORS, 'Gt', 'Lt'];
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** metav1.LabelSelector at `key`; null when absent (a nil selector), an empty selector when `{}`. */
export function labelSelector(ctx: ErrorContext, parent: Obj, key: string, path: string): LabelSelector | null {
  const selector = optObject(ctx, parent, key, path);
  if (selector === null) return null;
  const matchLabels = stringMap(ctx, selector, 'matchLabels', fieldPath(path, 'matchLabels'));
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const { item, path: itemPath } of objectList(ctx, selector, 'matchExpressions', fieldPath(path, 'matchExpressions'))) {
    matchExpressions.push({
      key: reqString(ctx, item, 'key', fieldPath(itemPath, 'key')),
      operator: enumString(ctx, item, 'operator', fieldPath(itemPath, 'operator'), SELECTOR_OPERATORS, null),
      values: stringList(ctx, item, 'values', fieldPath(itemPath, 'values')),
    });
  }
  return { matchLabels, matchExpressions };
}

function nodeSelectorRequirements(
  ctx: ErrorContext,
  term: Obj,
  key: 'matchExpressions' | 'matchFields',
  path: string,
): NodeSelectorRequirement[] {
  const out: NodeSelectorRequirement[] = [];
  for (const { item, path: itemPath } of objectList(ctx, term, key, path)) {
    const requirementKey = reqString(ctx, item, 'key', fieldPath(itemPath, 'key'));
    if (key === 'matchFields' && requirementKey !== 'metadata.name') {
      throw inputError(ctx, fieldPath(itemPath, 'key'), `expected metadata.name (the only node field a selector can match); found ${JSON.stringify(requirementKey)}`);
    }
    out.push({
      key: requirementKey,
      operator: enumString(ctx, item, 'operator', fieldPath(itemPath, 'operator'), NODE_SELECTOR_OPERATORS, null),
      values: stringList(ctx, item, 'values', fieldPath(itemPath, 'values')),
    });
  }
  return out;
}

/** A list of v1.NodeSelectorTerm at `key` (ORed terms of ANDed requirements). */
export function nodeSelectorTerms(ctx: ErrorContext, parent: Obj, key: string, path: string): NodeSelectorTerm[] {
  return objectList(ctx, parent, key, path).map(({ item, path: termPath }) => ({
    matchExpressions: nodeSelectorRequirements(ctx, item, 'matchExpressions', fieldPath(termPath, 'matchExpressions')),
    matchFields: nodeSelectorRequirements(ctx, item, 'matchFields', fieldPath(termPath, 'matchFields')),
  }));
}

export function taints(ctx: ErrorContext, parent: Obj, key: string, path: string): Taint[] {
  return objectList(ctx, parent, key, path).map(({ item, path: itemPath }) => ({
    key: reqString(ctx, item, 'key', fieldPath(itemPath, 'key')),
    value: optString(ctx, item, 'value', fieldPath(itemPath, 'value')) ?? '',
    effect: enumString(ctx, item, 'effect', fieldPath(itemPath, 'effect'), TAINT_EFFECTS, null),
  }));
}

const TOLERATION_EFFECTS: readonly (TaintEffect | '')[] = ['', ...TAINT_EFFECTS];

export function tolerations(ctx: ErrorContext, parent: Obj, key: string, path: string): Toleration[] {
  return objectList(ctx, parent, key, path).map(({ item, path: itemPath }) => {
    const tolerationKey = optString(ctx, item, 'key', fieldPath(itemPath, 'key')) ?? '';
    const operator = enumString(ctx, item, 'operator', fieldPath(itemPath, 'operator'), ['Exists', 'Equal'] as const, 'Equal');
    if (tolerationKey === '' && operator !== 'Exists') {
      throw inputError(ctx, fieldPath(itemPath, 'operator'), 'expected operator Exists when the key is empty (an empty key tolerates every taint); found Equal');
    }
    return {
      key: tolerationKey,
      operator,
      value: optString(ctx, item, 'value', fieldPath(itemPath, 'value')) ?? '',
      effect: enumString(ctx, item, 'effect', fieldPath(itemPath, 'effect'), TOLERATION_EFFECTS, ''),
    };
  });
}
