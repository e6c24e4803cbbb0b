/** The independent checker must find violations: each test breaks one rule in a real plan and expects it reported. */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/model/types.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { checkPlacements, type Rule } from '../../helpers/placement-checker.js';
import { build, MIGRATE_PARAMS, type ScenarioSpec } from '../../arbitraries/index.js';

const base: ScenarioSpec = {
  nodes: [
    { type: 'm5.xlarge', zone: 'us-east-1a', migrate: true, dedicated: false },
    { type: 'm5.xlarge', zone: 'us-east-1b', migrate: false, dedicated: false },
  ],
  deployments: [
    { replicas: 3, cpuMilli: 500, memoryMi: 512, hostAnti: true, zoneSpread: false, hostSpread: false, dedicated: false, tolerates: false, hostPort: false },
    { replicas: 2, cpuMilli: 250, memoryMi: 256, hostAnti: false, zoneSpread: true, hostSpread: false, dedicated: true, tolerates: false, hostPort: true },
  ],
  pdbs: [],
  vngs: [{ types: ['m5.large', 'm5.xlarge'], zones: ['us-east-1a', 'us-east-1b'], maxInstanceCount: null }],
  dedicatedVng: { types: ['c5.xlarge'], zones: ['us-east-1a', 'us-east-1b'], maxInstanceCount: null },
  daemonSet: true,
};

function setup(): { plan: Plan; check: (plan: Plan, cluster?: Cluster) => Rule[] } {
  const b = build(base);
  const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
  return {
    plan,
    check: (p, cluster = b.cluster) => checkPlacements({ cluster, vngs: b.vngs, catalog: b.catalog, plan: p }).map((v) => v.rule),
  };
}

/**
 * Every pod the plan packs: the moving ones and, the selection being partial, the Pending pods elsewhere (the generator's
 * replicas that found no old node, e.g. every dedicated one: their controllers have no pod on the selected nodes).
 */
const packed = (plan: Plan): { name: string; placement: Record<string, unknown> | null }[] => [...plan.pods, ...plan.pendingElsewhere];

/** A copy of the plan with pod `from`'s placement replaced. */
function moved(plan: Plan, podPrefix: string, to: (p: Plan) => string, index = 0): Plan {
  const copy = JSON.parse(JSON.stringify(plan)) as Plan;
  const target = packed(copy).filter((p) => p.name.startsWith(podPrefix))[index];
  if (!target || !target.placement) throw new Error(`no placed pod ${podPrefix}`);
  const node = to(plan);
  const nn = plan.packingLowerBound.newNodes.find((n) => n.name === node);
  target.placement = { node, vng: nn?.vng ?? null, instanceType: nn?.instanceType ?? null, zone: nn?.zone ?? null };
  return copy;
}

describe('placement checker', () => {
  it('accepts the plan the planner makes for the base scenario', () => {
    const { plan, check } = setup();
    expect(plan.feasible).toBe(true);
    expect(check(plan)).toEqual([]);
  });

  it('reports a pod placed on a node that does not exist', () => {
    const { plan, check } = setup();
    expect(check(moved(plan, 'app-0', () => 'nowhere'))).toContain('Placement');
  });

  it('reports anti-affinity both ways when two anti-affine replicas share a node', () => {
    const { plan, check } = setup();
    const p0 = String(packed(plan).find((p) => p.name.startsWith('app-0'))?.placement?.['node'] ?? '');
    const rules = check(moved(plan, 'app-0', () => p0, 1));
    expect(rules).toContain('AntiAffinity');
    expect(rules).toContain('ExistingAntiAffinity');
  });

  it('reports a dedicated pod on an untainted node without its label (selector and taint rules)', () => {
    const { plan, check } = setup();
    const general = plan.packingLowerBound.newNodes.find((n) => n.vng === 'vng-0')?.name ?? '';
    const rules = check(moved(plan, 'app-1', () => general));
    expect(rules).toContain('NodeAffinity');
  });

  it('reports a non-tolerating pod on the tainted VNG', () => {
    const { plan, check } = setup();
    const dedicated = plan.packingLowerBound.newNodes.find((n) => n.vng === 'dedicated')?.name ?? '';
    const rules = check(moved(plan, 'app-0', () => dedicated));
    expect(rules).toContain('Taints');
  });

  it('reports colliding host ports', () => {
    const { plan, check } = setup();
    const first = packed(plan).filter((p) => p.name.startsWith('app-1'));
    const node = String(first[0]?.placement?.['node'] ?? '');
    expect(check(moved(plan, 'app-1', () => node, 1))).toContain('HostPorts');
  });

  it('reports a zone spread skew', () => {
    const b = build({ ...base, deployments: [{ ...base.deployments[1]!, replicas: 4, hostPort: false }] });
    const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
    expect(checkPlacements({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, plan })).toEqual([]);
    const zoneA = plan.packingLowerBound.newNodes.filter((n) => n.vng === 'dedicated' && n.zone === 'us-east-1a').map((n) => n.name)[0] ?? '';
    let p: Plan = plan;
    for (let i = 0; i < 4; i++) p = moved(p, 'app-0', () => zoneA, i);
    const rules = checkPlacements({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, plan: p }).map((v) => v.rule);
    expect(rules).toContain('TopologySpread');
  });

  it('reports a node over its allocatable', () => {
    const stay = 'ip-10-0-1-11.ec2.internal'; // node 1 stays
    const big = build({ ...base, deployments: [{ ...base.deployments[0]!, replicas: 12, hostAnti: false, cpuMilli: 3000 }] });
    const bigPlan = buildPlan({ cluster: big.cluster, vngs: big.vngs, catalog: big.catalog, params: MIGRATE_PARAMS });
    const all = JSON.parse(JSON.stringify(bigPlan)) as Plan;
    for (const p of all.pods) if (p.placement) Object.assign(p.placement, { node: stay, vng: null, instanceType: null, zone: null });
    const rules = checkPlacements({ cluster: big.cluster, vngs: big.vngs, catalog: big.catalog, plan: all }).map((v) => v.rule);
    expect(rules).toContain('Resources');
  });

  it("reports a plan whose new-node numbers disagree with the node's pods", () => {
    const { plan, check } = setup();
    const copy = JSON.parse(JSON.stringify(plan)) as Plan;
    const first = copy.packingLowerBound.newNodes[0];
    if (first) first.cpuRequestedMilli += 1;
    expect(check(copy)).toContain('Report');
  });
});
