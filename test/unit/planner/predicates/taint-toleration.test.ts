import { describe, expect, it } from 'vitest';
import { taintToleration } from '../../../../src/planner/predicates/taint-toleration.js';
import { taint, toleration, verdict, world } from '../../../helpers/sched.js';
import type { Taint, Toleration } from '../../../../src/model/types.js';

function run(taints: Taint[], tolerations: Toleration[]): ReturnType<typeof verdict> {
  const w = world({ nodes: [{ name: 'n1', taints }], incoming: [{ tolerations }] });
  return verdict(w.check(taintToleration, 0, 'n1'));
}

describe('TaintToleration', () => {
  it('passes an untainted node', () => {
    expect(run([], [])).toBe('pass');
  });

  it('fails an untolerated NoSchedule taint with the kube-scheduler reason', () => {
    expect(run([taint('dedicated', 'batch')], [])).toEqual(['node(s) had untolerated taint {dedicated: batch}']);
  });

  it('fails an untolerated NoExecute taint', () => {
    expect(run([taint('maint', 'yes', 'NoExecute')], [])).toEqual(['node(s) had untolerated taint {maint: yes}']);
  });

  it('ignores PreferNoSchedule taints (scoring only)', () => {
    expect(run([taint('soft', 'x', 'PreferNoSchedule')], [])).toBe('pass');
  });

  it('prints an empty value as {key: }', () => {
    expect(run([taint('nvidia.com/gpu', '')], [])).toEqual(['node(s) had untolerated taint {nvidia.com/gpu: }']);
  });

  it('reports the first untolerated taint in node order', () => {
    const taints = [taint('a', '1'), taint('b', '2'), taint('c', '3')];
    expect(run(taints, [toleration('a', 'Equal', '1')])).toEqual(['node(s) had untolerated taint {b: 2}']);
  });

  it('Equal needs the same key and value', () => {
    expect(run([taint('k', 'v')], [toleration('k', 'Equal', 'v')])).toBe('pass');
    expect(run([taint('k', 'v')], [toleration('k', 'Equal', 'w')])).not.toBe('pass');
    expect(run([taint('k', 'v')], [toleration('other', 'Equal', 'v')])).not.toBe('pass');
  });

  it('Exists with a key tolerates every value of that key', () => {
    expect(run([taint('k', 'anything')], [toleration('k', 'Exists')])).toBe('pass');
    expect(run([taint('j', 'anything')], [toleration('k', 'Exists')])).not.toBe('pass');
  });

  it('an empty key with Exists tolerates every taint', () => {
    expect(run([taint('a', '1'), taint('b', '2', 'NoExecute')], [toleration('', 'Exists')])).toBe('pass');
  });

  it('a toleration with an effect only tolerates taints of that effect', () => {
    const tol = [toleration('k', 'Exists', '', 'NoSchedule')];
    expect(run([taint('k', 'v', 'NoSchedule')], tol)).toBe('pass');
    expect(run([taint('k', 'v', 'NoExecute')], tol)).toEqual(['node(s) had untolerated taint {k: v}']);
  });

  it('an empty effect matches every effect', () => {
    const tol = [toleration('k', 'Equal', 'v', '')];
    expect(run([taint('k', 'v', 'NoSchedule'), taint('k', 'v', 'NoExecute')], tol)).toBe('pass');
  });

  it('names the plugin', () => {
    const w = world({ nodes: [{ name: 'n1', taints: [taint('a', 'b')] }], incoming: [{}] });
    expect(w.check(taintToleration, 0, 'n1')?.plugin).toBe('TaintToleration');
  });
});
