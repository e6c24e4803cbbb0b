/**
 * The string form of a label selector that kubectl's -l flag takes: `a=b,c!=d,env in (prod,stage),tier notin (x),gpu,!spot`.
 */
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

export class SelectorSyntaxError extends Error {}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorSyntaxError(`"${key}" is not a valid label key`);
  return key;
}

function checkValue(v: string): string {
  if (!VALUE.test(v) || v.length > 63) throw new SelectorSyntaxError(`"${v}" is not a valid label value`);
  return v;
}

export function parseLabelSelectorString(s: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const part of splitTopLevel(s)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .map(checkValue);
      if (values.length === 0) throw new SelectorSyntaxError(`"${part}" needs at least one value`);
      matchExpressions.push({ key: checkKey(m[1] ?? ''), operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = part.match(/^([^!=\s]+)\s*!=\s*(\S*)$/))) {
      matchExpressions.push({ key: checkKey(m[1] ?? ''), operator: 'NotIn', values: [checkValue(m[2] ?? '')] });
    } else if ((m = part.match(/^([^!=\s]+)\s*==?\s*(\S*)$/))) {
      matchLabels[checkKey(m[1] ?? '')] = checkValue(m[2] ?? '');
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      matchExpressions.push({ key: checkKey(m[1] ?? ''), operator: 'DoesNotExist', values: [] });
    } else if ((m = part.match(/^(\S+)$/))) {
      matchExpressions.push({ key: checkKey(m[1] ?? ''), operator: 'Exists', values: [] });
    } else {
      throw new SelectorSyntaxError(`cannot parse "${part}" (expected key=value, key!=value, key in (a,b), key notin (a), key or !key)`);
    }
  }
  return { matchLabels, matchExpressions };
}
