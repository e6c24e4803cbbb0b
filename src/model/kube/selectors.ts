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
import { describe, enumString, fieldPath, indexPath, isObj, objectList, optArray, optObject, optString, reqString, stringList, stringMap } from './fields.js';
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

const TOLERATION_OPERATORS = ['Exists', 'Equal'] as const;

/** A string field read without its path; on anything but a string or nothing, optString raises the error with the path. */
function plainString(ctx: ErrorContext, item: Obj, key: string, itemPath: () => string): string | null {
  const value = item[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return optString(ctx, item, key, fieldPath(itemPath(), key));
}

/** enumString without building the path unless it raises (then enumString itself raises the same error). */
function plainEnum<T extends string>(
  ctx: ErrorContext,
  item: Obj,
  key: string,
  itemPath: () => string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = item[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string') {
    for (const candidate of allowed) if (candidate === value) return candidate;
  }
  return enumString(ctx, item, key, fieldPath(itemPath(), key), allowed, fallback);
}

export function tolerations(ctx: ErrorContext, parent: Obj, key: string, path: string): Toleration[] {
  const list = optArray(ctx, parent, key, path);
  // Every element is checked to be an object first, as objectList does; the paths are built only for an error.
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!isObj(item)) throw inputError(ctx, indexPath(path, i), `expected an object; found ${describe(item)}`);
  }
  // map, not push: the list is held by every pod of the model, and map sizes it exactly.
  return (list as readonly Obj[]).map((item, i) => {
    const itemPath = (): string => indexPath(path, i);
    const tolerationKey = plainString(ctx, item, 'key', itemPath) ?? '';
    const operator = plainEnum(ctx, item, 'operator', itemPath, TOLERATION_OPERATORS, 'Equal');
    if (tolerationKey === '' && operator !== 'Exists') {
      throw inputError(ctx, fieldPath(itemPath(), 'operator'), 'expected operator Exists when the key is empty (an empty key tolerates every taint); found Equal');
    }
    return {
      key: tolerationKey,
      operator,
      value: plainString(ctx, item, 'value', itemPath) ?? '',
      effect: plainEnum(ctx, item, 'effect', itemPath, TOLERATION_EFFECTS, ''),
    };
  });
}
