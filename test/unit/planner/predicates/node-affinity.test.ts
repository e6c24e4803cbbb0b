import { describe, expect, it } from 'vitest';
import type { Labels, NodeSelectorTerm } from '../../../../src/model/types.js';
import { nodeAffinity } from '../../../../src/planner/predicates/node-affinity.js';
import { req, term, verdict, world } from '../../../helpers/sched.js';

const REASON = ["node(s) didn't match Pod's node affinity/selector"];

function run(labels: Labels, pod: { nodeSelector?: Labels; requiredNodeAffinity?: NodeSelectorTerm[] | null }, name = 'n1') {
  const w = world({ nodes: [{ name, labels }], incoming: [pod] });
  return verdict(w.check(nodeAffinity, 0, name));
}

describe('NodeAffinity: nodeSelector', () => {
  it('passes when every nodeSelector label is equal', () => {
    expect(run({ pool: 'a', arch: 'amd64' }, { nodeSelector: { pool: 'a' } })).toBe('pass');
  });
  it('fails on a different value, with the kube-scheduler reason', () => {
    expect(run({ pool: 'b' }, { nodeSelector: { pool: 'a' } })).toEqual(REASON);
  });
  it('fails on a missing label', () => {
    expect(run({}, { nodeSelector: { pool: 'a' } })).toEqual(REASON);
  });
  it('requires every nodeSelector entry (AND)', () => {
    expect(run({ pool: 'a' }, { nodeSelector: { pool: 'a', disk: 'ssd' } })).toEqual(REASON);
  });
  it('must hold together with required node affinity', () => {
    const pod = { nodeSelector: { pool: 'a' }, requiredNodeAffinity: [term([req('disk', 'In', 'ssd')])] };
    expect(run({ pool: 'a', disk: 'ssd' }, pod)).toBe('pass');
    expect(run({ pool: 'b', disk: 'ssd' }, pod)).toEqual(REASON);
    expect(run({ pool: 'a', disk: 'hdd' }, pod)).toEqual(REASON);
  });
});

describe('NodeAffinity: matchExpressions', () => {
  const one = (r: ReturnType<typeof req>) => ({ requiredNodeAffinity: [term([r])] });
  it('In', () => {
    expect(run({ zone: 'a' }, one(req('zone', 'In', 'a', 'b')))).toBe('pass');
    expect(run({ zone: 'c' }, one(req('zone', 'In', 'a', 'b')))).toEqual(REASON);
    expect(run({}, one(req('zone', 'In', 'a')))).toEqual(REASON);
  });
  it('NotIn (an absent label matches)', () => {
    expect(run({ zone: 'c' }, one(req('zone', 'NotIn', 'a', 'b')))).toBe('pass');
    expect(run({}, one(req('zone', 'NotIn', 'a')))).toBe('pass');
    expect(run({ zone: 'a' }, one(req('zone', 'NotIn', 'a', 'b')))).toEqual(REASON);
  });
  it('Exists and DoesNotExist', () => {
    expect(run({ gpu: '' }, one(req('gpu', 'Exists')))).toBe('pass');
    expect(run({}, one(req('gpu', 'Exists')))).toEqual(REASON);
    expect(run({}, one(req('gpu', 'DoesNotExist')))).toBe('pass');
    expect(run({ gpu: 'x' }, one(req('gpu', 'DoesNotExist')))).toEqual(REASON);
  });
  it('Gt and Lt compare integers', () => {
    expect(run({ cores: '16' }, one(req('cores', 'Gt', '8')))).toBe('pass');
    expect(run({ cores: '8' }, one(req('cores', 'Gt', '8')))).toEqual(REASON);
    expect(run({ cores: '4' }, one(req('cores', 'Lt', '8')))).toBe('pass');
    expect(run({ cores: '8' }, one(req('cores', 'Lt', '8')))).toEqual(REASON);
    // numeric, not lexical: "10" > "9"
    expect(run({ cores: '10' }, one(req('cores', 'Gt', '9')))).toBe('pass');
  });
  it('Gt and Lt fail on a missing or non-integer label', () => {
    expect(run({}, one(req('cores', 'Gt', '1')))).toEqual(REASON);
    expect(run({ cores: 'many' }, one(req('cores', 'Gt', '1')))).toEqual(REASON);
    expect(run({ cores: '1.5' }, one(req('cores', 'Lt', '8')))).toEqual(REASON);
  });
  it('requirements within a term are ANDed', () => {
    const pod = { requiredNodeAffinity: [term([req('a', 'In', '1'), req('b', 'In', '2')])] };
    expect(run({ a: '1', b: '2' }, pod)).toBe('pass');
    expect(run({ a: '1', b: '3' }, pod)).toEqual(REASON);
  });
});

describe('NodeAffinity: terms and matchFields', () => {
  it('terms are ORed', () => {
    const pod = { requiredNodeAffinity: [term([req('pool', 'In', 'a')]), term([req('pool', 'In', 'b')])] };
    expect(run({ pool: 'b' }, pod)).toBe('pass');
    expect(run({ pool: 'c' }, pod)).toEqual(REASON);
  });
  it('an empty term matches no node, but another term still may', () => {
    expect(run({ pool: 'a' }, { requiredNodeAffinity: [term()] })).toEqual(REASON);
    expect(run({ pool: 'a' }, { requiredNodeAffinity: [term(), term([req('pool', 'In', 'a')])] })).toBe('pass');
  });
  it('matchFields metadata.name matches the node name', () => {
    const pod = { requiredNodeAffinity: [term([], [req('metadata.name', 'In', 'node-7')])] };
    expect(run({}, pod, 'node-7')).toBe('pass');
    expect(run({}, pod, 'node-8')).toEqual(REASON);
    const notIn = { requiredNodeAffinity: [term([], [req('metadata.name', 'NotIn', 'node-7')])] };
    expect(run({}, notIn, 'node-8')).toBe('pass');
    expect(run({}, notIn, 'node-7')).toEqual(REASON);
  });
  it('matchFields reads the name, not a label of that key', () => {
    const pod = { requiredNodeAffinity: [term([], [req('metadata.name', 'In', 'x')])] };
    expect(run({ 'metadata.name': 'x' }, pod, 'node-1')).toEqual(REASON);
  });
  it('matchExpressions and matchFields of one term are ANDed', () => {
    const pod = { requiredNodeAffinity: [term([req('pool', 'In', 'a')], [req('metadata.name', 'In', 'n1')])] };
    expect(run({ pool: 'a' }, pod, 'n1')).toBe('pass');
    expect(run({ pool: 'a' }, pod, 'n2')).toEqual(REASON);
    expect(run({ pool: 'b' }, pod, 'n1')).toEqual(REASON);
  });
  it('no nodeSelector and no affinity passes any node', () => {
    expect(run({}, {})).toBe('pass');
  });
});
