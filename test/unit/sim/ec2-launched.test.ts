import { describe, expect, it } from 'vitest';
import { Ec2, type SimInstance } from '../../../sim/ec2.js';

const instance = (id: string, old: boolean): SimInstance => ({
  id,
  nodeName: `node-${id}`,
  old,
  vng: old ? null : 'vng-a',
  instanceType: 'm5.large',
  zone: 'us-east-1a',
  state: old ? 'running' : 'pending',
  launchedAt: old ? -1 : 0,
});

describe('Ec2.launched', () => {
  it('holds the launched instances of list(), in its id order, without the old ones', () => {
    const ec2 = new Ec2();
    ec2.add(instance('i-old-b', true));
    const first = ec2.nextId();
    const second = ec2.nextId();
    const third = ec2.nextId();
    // Added out of id order, old ones in between.
    ec2.add(instance(second, false));
    ec2.add(instance('i-old-a', true));
    ec2.add(instance(third, false));
    ec2.add(instance(first, false));
    expect(ec2.launched().map((i) => i.id)).toEqual([first, second, third]);
    expect(ec2.launched()).toEqual(ec2.list().filter((i) => !i.old));
  });

  it('keeps list() in id order when instances come after a first list() (inserted in place, not sorted again)', () => {
    const ec2 = new Ec2();
    ec2.add(instance('i-old-m', true));
    expect(ec2.list().map((i) => i.id)).toEqual(['i-old-m']);
    const ids = [ec2.nextId(), ec2.nextId(), ec2.nextId()];
    ec2.add(instance(ids[2] as string, false));
    ec2.add(instance('i-old-a', true));
    ec2.add(instance(ids[0] as string, false));
    ec2.add(instance('i-old-z', true));
    ec2.add(instance(ids[1] as string, false));
    const sorted = [...ec2.instances.values()].map((i) => i.id).sort();
    expect(ec2.list().map((i) => i.id)).toEqual(sorted);
    expect(ec2.launched().map((i) => i.id)).toEqual(ids);
  });

  it('follows an id added again as old or launched', () => {
    const ec2 = new Ec2();
    const id = ec2.nextId();
    ec2.add(instance(id, false));
    ec2.add(instance(id, true));
    expect(ec2.launched()).toEqual([]);
    ec2.add(instance(id, false));
    expect(ec2.launched().map((i) => i.id)).toEqual([id]);
    expect(ec2.list()).toHaveLength(1);
  });

  it('keeps one entry per id when an instance is added again', () => {
    const ec2 = new Ec2();
    const id = ec2.nextId();
    ec2.add(instance(id, false));
    const again = { ...instance(id, false), state: 'running' as const };
    ec2.add(again);
    expect(ec2.launched()).toEqual([again]);
    expect(ec2.launched()[0]).toBe(again);
  });
});
