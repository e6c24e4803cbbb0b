import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/gen/prng.js';
import { InputError } from '../../../src/model/errors.js';
import { drawFaults, formatFault, parseFault } from '../../../sim/faults.js';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

describe('parseFault', () => {
  it('parses the CLI form of every kind', () => {
    expect(parseFault('api-disconnect@600:duration=400')).toEqual({ kind: 'api-disconnect', at: 600, duration: 400 });
    expect(parseFault('terminate-refused@0')).toEqual({ kind: 'terminate-refused', at: 0, duration: null });
    expect(parseFault('insufficient-capacity@0:instanceType=m5.xlarge')).toEqual({
      kind: 'insufficient-capacity',
      at: 0,
      duration: null,
      instanceType: 'm5.xlarge',
      zone: null,
    });
    expect(parseFault('engine-crash@15m')).toEqual({ kind: 'engine-crash', at: 900 });
    expect(parseFault('stop@300:terminateDrained=true')).toEqual({ kind: 'stop', at: 300, terminateDrained: true });
    expect(parseFault('new-workload@60:replicas=4,cpu=250m,memory=1Gi,unplaceable=true')).toMatchObject({
      kind: 'new-workload',
      replicas: 4,
      cpuMilli: 250,
      memoryBytes: 1024 ** 3,
      unplaceable: true,
    });
    expect(parseFault('api-throttling@10:duration=1m,rate=0.5')).toEqual({ kind: 'api-throttling', at: 10, duration: 60, rate: 0.5 });
    expect(parseFault('spot-interruption@5m')).toEqual({ kind: 'spot-interruption', at: 300, node: null, vng: null, count: 1 });
    expect(parseFault('spot-interruption@300:vng=general,count=2')).toEqual({ kind: 'spot-interruption', at: 300, node: null, vng: 'general', count: 2 });
    expect(parseFault('spot-interruption@300:node=ip-10-200-0-1.ec2.internal')).toEqual({
      kind: 'spot-interruption',
      at: 300,
      node: 'ip-10-200-0-1.ec2.internal',
      vng: null,
      count: 1,
    });
    expect(parseFault('rebalance-recommendation@90:vng=gpu')).toEqual({ kind: 'rebalance-recommendation', at: 90, node: null, vng: 'gpu' });
  });

  it('round-trips through formatFault', () => {
    for (const text of [
      'api-disconnect@600:duration=400',
      'slow-launches@5:multiplier=3',
      'node-not-ready@7:node=n1,duration=30',
      'engine-crash@9',
      'spot-interruption@300',
      'spot-interruption@300:vng=general,count=3',
      'spot-interruption@120:node=n9',
      'rebalance-recommendation@60:vng=general',
    ]) {
      expect(formatFault(parseFault(text))).toBe(text);
      expect(parseFault(formatFault(parseFault(text)))).toEqual(parseFault(text));
    }
  });

  it.each([
    ['nonsense', /kind@time/],
    ['meteor@10', /unknown fault kind "meteor"/],
    ['engine-crash@soon', /expected a time/],
    ['api-disconnect@10', /needs duration/],
    ['api-disconnect@10:duration=x', /duration: expected seconds/],
    ['stop@1:terminateDrained=yes', /true or false/],
    ['terminate-refused@0:zone=a', /unknown key "zone"/],
    ['api-errors@0:duration=5,rate=2', /share from 0 to 1/],
    ['new-workload@0:cpu=lots', /cpu:/],
    ['spot-interruption@0:node=a,vng=b', /node= or vng=, not both/],
    ['spot-interruption@0:count=0', /count: expected at least 1/],
    ['spot-interruption@0:count=two', /count: expected a whole number/],
    ['spot-interruption@0:node=a,count=2', /a named node is one node/],
    ['rebalance-recommendation@0:count=2', /unknown key "count"/],
  ])('rejects %s with an InputError', (text, message) => {
    expect(() => parseFault(text)).toThrow(InputError);
    expect(() => parseFault(text)).toThrow(message);
  });

  it('draws random faults from a profile deterministically', () => {
    const profile = { count: 6, horizonSeconds: 1200, instanceTypes: ['m5.large'], workloads: ['default/web'] };
    const a = drawFaults(profile, new Prng(9));
    expect(a).toHaveLength(6);
    const spot = drawFaults({ count: 8, horizonSeconds: 600, weights: { 'spot-interruption': 1, 'rebalance-recommendation': 1 }, vngs: ['general'] }, new Prng(4));
    expect(new Set(spot.map((f) => f.kind))).toEqual(new Set(['spot-interruption', 'rebalance-recommendation']));
    for (const f of spot) expect(parseFault(formatFault(f))).toEqual(f);
    expect(drawFaults(profile, new Prng(9))).toEqual(a);
    for (const f of a) {
      expect(f.at).toBeGreaterThanOrEqual(0);
      expect(f.at).toBeLessThan(1200);
      expect(parseFault(formatFault(f))).toEqual(f);
    }
  });
});

describe('faults in a run', () => {
  const two = () => {
    const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];
    const c = cluster(nodes, [deployment({ name: 'web', replicas: 4, nodes: ['old-1', 'old-2'] })]);
    const vngs = [generalVng()];
    return { c, vngs, plan: planFor(c, vngs, { batchSizePercentage: 50 }) };
  };
  const run = async (faults: string[]): Promise<SimResult> => {
    const { c, vngs, plan } = two();
    return simulate({ cluster: c, vngs, catalog, plan, seed: 11, faults: faults.map((f) => parseFault(f)) });
  };

  it('a long API disconnect fails the run with ConnectivityLost; a short one is ridden out', async () => {
    const long = await run(['api-disconnect@10:duration=400']);
    expect(long.failure?.code).toBe('ConnectivityLost');
    const short = await run(['api-disconnect@10:duration=100']);
    expect(short.status).toBe('Completed');
    expect(short.events.some((e) => e.kind === 'api.lost')).toBe(true);
    expect(short.events.some((e) => e.kind === 'api.restored')).toBe(true);
  });

  it('refused TerminateInstances fails with TerminateFailed and names the instance', async () => {
    const r = await run(['terminate-refused@0']);
    expect(r.failure?.code).toBe('TerminateFailed');
    expect(r.failure?.objects).toContain('Instance i-0aaa0000000000001');
    expect(r.instances.old.every((i) => i.state === 'running')).toBe(true);
  });

  it('a stop uncordons what was not drained; refused uncordon makes it StopRescheduleFailed', async () => {
    const stopped = await run(['stop@45']);
    expect(stopped.status).toBe('Stopped');
    const refused = await run(['stop@45', 'uncordon-refused@0']);
    expect(refused.failure?.code).toBe('StopRescheduleFailed');
  });

  it('capacity shortages: a type out of capacity is replaced by another; a workload nothing can host fails the run', async () => {
    const ice = await run(['insufficient-capacity@0:instanceType=m5.large']);
    expect(ice.status).toBe('Completed');
    expect(ice.instances.new.every((n) => n.instanceType !== 'm5.large')).toBe(true);
    const misfit = await run(['new-workload@10:unplaceable=true,replicas=2']);
    expect(misfit.failure?.code).toBe('InsufficientCapacity');
    expect(misfit.failure?.objects.some((o) => o.startsWith('Pod default/surprise-'))).toBe(true);
  });

  it('pods that never get Ready fail the run with PodsUnschedulable', async () => {
    const r = await run(['pods-never-ready@0:workload=default/web']);
    expect(r.failure?.code).toBe('PodsUnschedulable');
  });
});
