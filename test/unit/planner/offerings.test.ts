/**
 * Issue 13: the planner and the catalog's offerings and Spot prices. A type EC2 does not offer in a zone is never launched
 * there; a pod that fits no VNG only because of that says so with its own reason; with Spot prices the cost shows the Spot
 * figure per VNG beside on-demand, labelled with the price source and date, while the figures stay on-demand. Without
 * offerings (the bundled catalog) nothing changes.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/catalog/catalog.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import type { Vng } from '../../../src/model/types.js';
import { NOT_OFFERED_REASON, offeredIn, offeringZones, splitByOffering } from '../../../src/planner/offerings.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { meanSpotPrice, SPOT_BASIS } from '../../../src/planner/spot-cost.js';
import { renderPlanMarkdown } from '../../../src/report/markdown.js';
import { catalogLine, spotTable } from '../../../src/report/price-notes.js';
import { renderPlanText } from '../../../src/report/text.js';
import { catalog as bundled, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const ON_DEMAND = { source: 'the bundled catalog: list prices', region: 'us-east-1', date: '2026-07-20' };
const SPOT = { source: 'ec2:DescribeSpotPriceHistory, the latest Linux/UNIX price per type and zone', region: 'us-east-1', date: '2026-12-01T10:00:00.000Z' };

/** The bundled catalog with offerings (type -> zones), Spot prices (type -> zone -> USD) and what a refresh records. */
function refreshed(offerings: Record<string, string[]>, spot: Record<string, Record<string, number>> = {}): Catalog {
  return {
    ...bundled,
    info: { file: 'cat.json', region: 'us-east-1', refreshedAt: '2026-12-01T10:00:00.000Z', onDemand: ON_DEMAND, spot: Object.keys(spot).length > 0 ? SPOT : null },
    offerings: new Map(Object.entries(offerings).map(([t, z]) => [t, new Set(z)])),
    spotPrices: new Map(Object.entries(spot).map(([t, z]) => [t, new Map(Object.entries(z))])),
    subnetZones: {},
  };
}

const world = () => cluster([oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a', 'us-east-1b')], [deployment({ name: 'web', replicas: 4, nodes: ['old-1', 'old-2'] })]);
const twoZones = (over: Partial<Vng> = {}): Vng => generalVng({ zones: ['us-east-1a', 'us-east-1b'], ...over });
const plan = (catalog: Catalog, vngs: Vng[]): Plan => buildPlan({ cluster: world(), vngs, catalog, params: DEFAULT_PARAMS });

describe('offeredIn and splitByOffering', () => {
  const c = refreshed({ 'm5.large': ['us-east-1a'], 'm5.xlarge': ['us-east-1a', 'us-east-1b'] });

  it('a type is offered only in the zones the catalog lists for it', () => {
    expect(offeredIn(c, 'm5.large', 'us-east-1a')).toBe(true);
    expect(offeredIn(c, 'm5.large', 'us-east-1b')).toBe(false);
    expect(offeredIn(c, 'c5.large', 'us-east-1a')).toBe(false);
  });

  it('a zone the catalog knows nothing about, a node type without a zone and a catalog without offerings filter nothing', () => {
    expect(offeringZones(c)).toEqual(new Set(['us-east-1a', 'us-east-1b']));
    expect(offeredIn(c, 'm5.large', 'eu-west-1a')).toBe(true);
    expect(offeredIn(c, 'm5.large', null)).toBe(true);
    expect(offeredIn(bundled, 'm5.large', 'us-east-1b')).toBe(true);
  });

  it('splits node types in order, and hands back the same list without offerings', () => {
    const t = (instanceType: string, zone: string | null) => ({ node: { instanceType, zone } });
    const list = [t('m5.large', 'us-east-1a'), t('m5.large', 'us-east-1b'), t('m5.xlarge', 'us-east-1b'), t('m5.large', null)];
    const { offered, unoffered } = splitByOffering(list, c);
    expect(offered).toEqual([list[0], list[2], list[3]]);
    expect(unoffered).toEqual([list[1]]);
    expect(splitByOffering(list, bundled).offered).toBe(list);
  });
});

describe('the planner and offerings', () => {
  it('never launches a type in a zone that does not offer it', () => {
    const p = plan(refreshed({ 'm5.large': ['us-east-1a'], 'm5.xlarge': ['us-east-1b'] }), [twoZones()]);
    expect(p.feasible).toBe(true);
    const launched = [...p.newNodes, ...p.packingLowerBound.newNodes].map((n) => `${n.instanceType}@${n.zone ?? ''}`);
    expect(launched.length).toBeGreaterThan(0);
    for (const l of launched) expect(['m5.large@us-east-1a', 'm5.xlarge@us-east-1b']).toContain(l);
    expect(p.summary.vngNodeTypes).toBe(2);
    expect(p.catalog?.file).toBe('cat.json');
  });

  it('gives a pod that fits no VNG only because of offerings its own reason, and says so in the predicted failure', () => {
    // c5.large makes us-east-1a and 1b zones the catalog knows (a zone it knows nothing of filters nothing).
    const p = plan(refreshed({ 'm5.large': ['us-east-1c'], 'm5.xlarge': ['us-east-1c'], 'c5.large': ['us-east-1a', 'us-east-1b'] }), [twoZones()]);
    expect(p.feasible).toBe(false);
    const pod = p.pods.find((x) => x.placement === null);
    expect(pod?.reasons).toEqual([{ plugin: 'InstanceTypeOffering', message: NOT_OFFERED_REASON, count: 4 }]);
    expect(pod?.summary).toBe(`0/0 VNG node types are available: 4 ${NOT_OFFERED_REASON}.`);
    expect(p.predictedFailure?.code).toBe('InsufficientCapacity');
    expect(p.predictedFailure?.why).toContain("only because EC2 does not offer their instance types in the VNGs' zones");
  });

  it('adds the offerings reason beside the others when some offered types are too small', () => {
    // The offered m5.large is too small for the pods; the m5.xlarge that would hold them is offered in no zone of the VNG.
    const c = cluster([oldNode('old-1', 'i-0000000000000001a')], [deployment({ name: 'big', replicas: 1, nodes: ['old-1'], cpu: 3000 })]);
    const p = buildPlan({ cluster: c, vngs: [twoZones()], catalog: refreshed({ 'm5.large': ['us-east-1a', 'us-east-1b'], 'm5.xlarge': ['us-east-1c'] }), params: DEFAULT_PARAMS });
    const pod = p.pods[0];
    expect(p.summary.vngNodeTypes).toBe(2);
    expect(pod?.placement).toBeNull();
    expect(pod?.reasons.map((r) => r.plugin)).toEqual(['NodeResourcesFit', 'InstanceTypeOffering']);
    expect(pod?.summary).toBe(`0/2 VNG node types are available: 2 Insufficient cpu, 2 ${NOT_OFFERED_REASON}.`);
  });

  it('with a pod too big for every type, offered or not, no offerings reason', () => {
    const c = cluster([oldNode('old-1', 'i-0000000000000001a')], [deployment({ name: 'huge', replicas: 1, nodes: ['old-1'], cpu: 64_000 })]);
    const p = buildPlan({ cluster: c, vngs: [twoZones()], catalog: refreshed({ 'm5.large': ['us-east-1a'], 'm5.xlarge': ['us-east-1c'] }), params: DEFAULT_PARAMS });
    expect(p.pods[0]?.reasons.map((r) => r.plugin)).toEqual(['NodeResourcesFit']);
  });

  it('the bundled catalog: no filter, no catalog in the plan, no Spot figure', () => {
    const p = plan(bundled, [twoZones()]);
    expect(p.summary.vngNodeTypes).toBe(4);
    expect('catalog' in p).toBe(false);
    expect('spot' in p.cost).toBe(false);
    expect(catalogLine(p)).toBeNull();
    expect(spotTable(p)).toBeNull();
  });
});

describe('Spot beside on-demand', () => {
  const spot = { 'm5.large': { 'us-east-1a': 0.03, 'us-east-1b': 0.05, 'us-east-1c': 0.001 }, 'm5.xlarge': { 'us-east-1a': 0.07 } };
  const offers = { 'm5.large': ['us-east-1a', 'us-east-1b', 'us-east-1c'], 'm5.xlarge': ['us-east-1a', 'us-east-1b'] };

  it('prices a type at the mean over the zones the VNG may use that have a price', () => {
    const c = refreshed(offers, spot);
    expect(meanSpotPrice(c, 'm5.large', ['us-east-1a', 'us-east-1b'])).toBeCloseTo(0.04, 10);
    expect(meanSpotPrice(c, 'm5.xlarge', ['us-east-1a', 'us-east-1b'])).toBe(0.07);
    expect(meanSpotPrice(c, 'm5.xlarge', ['us-east-1b'])).toBeNull();
    expect(meanSpotPrice(c, 'm5.large', [])).toBeCloseTo(0.027, 10);
  });

  it('shows per VNG the on-demand and Spot figures of its new nodes, labelled; the cost itself stays on-demand', () => {
    const p = plan(refreshed(offers, spot), [twoZones({ instanceTypes: ['m5.large'] })]);
    const s = p.cost.spot;
    expect(s).toBeDefined();
    const m5 = bundled.byName.get('m5.large')?.priceUsdPerHour ?? NaN;
    const n = p.newNodes.length;
    expect(n).toBeGreaterThan(0);
    expect(s?.defaultFigure).toBe('on-demand');
    expect(s?.basis).toBe(SPOT_BASIS);
    expect(s?.spot).toEqual(SPOT);
    expect(s?.onDemand).toEqual(ON_DEMAND);
    expect(s?.perVng).toEqual([{ vng: 'general', newNodes: n, onDemandUsdPerHour: Math.round(n * m5 * 10000) / 10000, spotUsdPerHour: Math.round(n * 0.04 * 10000) / 10000, spotUnpriced: [] }]);
    expect(p.cost.newNodesUsdPerHour).toBeCloseTo(n * m5, 4);
    const text = renderPlanText(p);
    expect(text).toContain(`Spot: ${SPOT_BASIS}, from ${SPOT.source} (us-east-1, as of ${SPOT.date}); on-demand from ${ON_DEMAND.source} (us-east-1, as of 2026-07-20)`);
    expect(text).toMatch(/general\s+\d+\s+\$\d\.\d{3}\s+\$\d\.\d{3}/);
    expect(text).toContain('Catalog: cat.json (EC2 us-east-1, refreshed 2026-12-01T10:00:00.000Z)');
    const md = renderPlanMarkdown(p);
    expect(md).toContain('| VNG | NEW NODES | ON-DEMAND $/H | SPOT $/H |');
    expect(md).toContain(`as of ${SPOT.date}`);
    const json = JSON.parse(JSON.stringify(p)) as Plan;
    expect(json.catalog?.spot?.date).toBe(SPOT.date);
    expect(json.cost.spot?.perVng[0]?.vng).toBe('general');
  });

  it("a VNG's Ocean spotPercentage gives the figure at that share beside the others; the cost itself stays on-demand", () => {
    const p = plan(refreshed(offers, spot), [twoZones({ instanceTypes: ['m5.large'], spotPercentage: 75 })]);
    const row = p.cost.spot?.perVng[0];
    expect(row?.spotPercentage).toBe(75);
    const onDemand = row?.onDemandUsdPerHour ?? NaN;
    const spotFigure = row?.spotUsdPerHour ?? NaN;
    expect(row?.expectedUsdPerHour).toBeCloseTo(0.75 * spotFigure + 0.25 * onDemand, 4);
    expect(spotTable(p)?.header).toEqual(['VNG', 'NEW NODES', 'ON-DEMAND $/H', 'SPOT $/H', 'SPOT SHARE', 'AT SHARE $/H']);
    expect(spotTable(p)?.rows[0]?.slice(4)).toEqual(['75%', `$${(row?.expectedUsdPerHour ?? 0).toFixed(3)}`]);
    expect(spotTable(p)?.title).toContain("AT SHARE is each VNG's strategy.spotPercentage of its nodes at Spot");
    expect(p.cost.newNodesUsdPerHour).toBeCloseTo(onDemand, 4);
  });

  it('counts a type without a Spot price in the VNG zones at its on-demand price, and lists it', () => {
    const p = plan(refreshed(offers, { 'm5.large': { 'us-east-1c': 0.01 } }), [twoZones({ instanceTypes: ['m5.large'] })]);
    const row = p.cost.spot?.perVng[0];
    expect(row?.spotUnpriced).toEqual(['m5.large']);
    expect(row?.spotUsdPerHour).toBe(row?.onDemandUsdPerHour);
    expect(spotTable(p)?.notes).toEqual(["No Spot price in the VNG's zones for m5.large: counted at the on-demand price."]);
  });

  it('no Spot prices in the catalog: no Spot figure, the catalog still recorded', () => {
    const p = plan(refreshed(offers), [twoZones()]);
    expect(p.cost.spot).toBeUndefined();
    expect(catalogLine(p)).toContain('Spot prices: none found');
  });
});
