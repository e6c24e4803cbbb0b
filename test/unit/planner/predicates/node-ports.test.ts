import { describe, expect, it } from 'vitest';
import type { HostPort } from '../../../../src/model/types.js';
import { nodePorts } from '../../../../src/planner/predicates/node-ports.js';
import { verdict, world } from '../../../helpers/sched.js';

const REASON = ["node(s) didn't have free ports for the requested pod ports"];
const hp = (port: number, hostIP = '', protocol = 'TCP'): HostPort => ({ port, hostIP, protocol });

function run(used: HostPort[], want: HostPort[]) {
  const w = world({
    nodes: [{ name: 'n1' }],
    existing: used.length > 0 ? [{ node: 'n1', pod: { hostPorts: used } }] : [],
    incoming: [{ hostPorts: want }],
  });
  return verdict(w.check(nodePorts, 0, 'n1'));
}

describe('NodePorts', () => {
  it('passes without host ports', () => {
    expect(run([hp(80)], [])).toBe('pass');
  });
  it('fails the same port and protocol on every address, with the kube-scheduler reason', () => {
    expect(run([hp(80)], [hp(80)])).toEqual(REASON);
  });
  it('different ports or protocols do not collide', () => {
    expect(run([hp(80)], [hp(81)])).toBe('pass');
    expect(run([hp(53, '', 'UDP')], [hp(53, '', 'TCP')])).toBe('pass');
  });
  it('0.0.0.0 and an empty hostIP are the wildcard and collide with any address', () => {
    expect(run([hp(80, '0.0.0.0')], [hp(80, '10.0.0.1')])).toEqual(REASON);
    expect(run([hp(80, '10.0.0.1')], [hp(80, '0.0.0.0')])).toEqual(REASON);
    expect(run([hp(80, '')], [hp(80, '10.0.0.1')])).toEqual(REASON);
    expect(run([hp(80, '10.0.0.1')], [hp(80, '')])).toEqual(REASON);
    expect(run([hp(80, '0.0.0.0')], [hp(80, '')])).toEqual(REASON);
  });
  it('two specific addresses collide only when equal', () => {
    expect(run([hp(80, '10.0.0.1')], [hp(80, '10.0.0.2')])).toBe('pass');
    expect(run([hp(80, '10.0.0.1')], [hp(80, '10.0.0.1')])).toEqual(REASON);
  });
  it('one colliding port among several is enough', () => {
    expect(run([hp(443)], [hp(80), hp(443)])).toEqual(REASON);
  });
  it('ports taken by a placed incoming pod count for the next one', () => {
    const w = world({ nodes: [{ name: 'n1' }], incoming: [{ hostPorts: [hp(9100)] }] });
    expect(w.check(nodePorts, 0, 'n1')).toBeNull();
    w.place(0, 'n1');
    expect(w.check(nodePorts, 0, 'n1')?.reasons).toEqual(REASON);
  });
});
