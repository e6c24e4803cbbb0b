import { describe, expect, it } from 'vitest';
import { taintTolerationScore } from '../../../../sim/scheduler/plugins/taint-toleration.js';
import { node, pod, snapshot, state } from './fixtures.js';

const soft = (key: string) => ({ key, value: 'x', effect: 'PreferNoSchedule' as const });

describe('TaintToleration score', () => {
  const a = state(node('a'));
  const b = state(node('b', { taints: [soft('k1')] }));
  const c = state(node('c', { taints: [soft('k1'), soft('k2'), { key: 'hard', value: '', effect: 'NoExecute' }] }));
  const all = snapshot([a, b, c]);

  it('counts untolerated PreferNoSchedule taints and normalises reversed: 100 - 100 * count / max', () => {
    const p = pod('p');
    const raw = taintTolerationScore.score(p, [a, b, c], all);
    expect(raw).toEqual([0, 1, 2]);
    expect(taintTolerationScore.normalize?.(raw)).toEqual([100, 50, 0]);
  });

  it('ignores tolerations of other effects, honours empty-effect ones', () => {
    const noSchedOnly = pod('p', { tolerations: [{ key: 'k1', operator: 'Exists', value: '', effect: 'NoSchedule' }] });
    expect(taintTolerationScore.score(noSchedOnly, [a, b, c], all)).toEqual([0, 1, 2]);
    const any = pod('p', { tolerations: [{ key: 'k1', operator: 'Exists', value: '', effect: '' }] });
    const raw = taintTolerationScore.score(any, [a, b, c], all);
    expect(raw).toEqual([0, 0, 1]);
    expect(taintTolerationScore.normalize?.(raw)).toEqual([100, 100, 0]);
  });

  it('gives every node 100 when no node has an intolerable soft taint', () => {
    expect(taintTolerationScore.normalize?.([0, 0])).toEqual([100, 100]);
  });
});
