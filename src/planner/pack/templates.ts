/**
 * Packing phase 2, the VNG node types: one empty template node per (VNG, instance type, zone), with the DaemonSet pods that
 * would run there charged first, and the DaemonSets whose pods alone do not fit a type.
 */
import type { NodeResources } from '../../catalog/allocatable.js';
import type { Catalog } from '../../catalog/catalog.js';
import { newNodeShape, type MaxPodsSource } from '../../catalog/new-node.js';
import { nodeTemplateLabels } from '../../catalog/template.js';
import type { DaemonSet, InstanceType, ResourceList, Vng } from '../../model/types.js';
import type { PodClass } from '../pod-classes.js';
import type { PlanNode } from '../plan-node.js';
import { splitByOffering } from '../offerings.js';
import { addInto, fits } from '../resources.js';
import { staticFailure } from './static-failure.js';
import type { DaemonSetMisfit, SolveInput } from './types.js';

export interface Template {
  readonly node: PlanNode;
  /** The VNG's name (its limits are the solve's input.vngs: a template reads none of them). */
  readonly vngName: string;
  readonly type: InstanceType;
  readonly price: number;
  /** The DaemonSets that run there, by position in the cluster's list (= in PackClasses.daemonClasses: one class each). */
  readonly daemonIndexes: readonly number[];
  readonly daemonRequests: ResourceList;
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  readonly rootVolumeSizeGiB: number;
}

export interface Templates {
  readonly templates: readonly Template[];
  /** DaemonSet, VNG and instance type of each misfit (checked in the first zone); may repeat, the result drops repeats. */
  readonly misfits: readonly DaemonSetMisfit[];
  /** Node types whose instance type EC2 does not offer in their zone (offerings.ts): never launched, only to explain. */
  readonly unoffered: readonly Template[];
  /** The node of each template, in the same order. */
  readonly nodes: readonly PlanNode[];
}

/**
 * A template as far as it depends on neither the solve's classes nor the VNG's limits: its node (with the DaemonSet pods
 * charged), and the DaemonSets, by position in the cluster's list, that run there and that alone do not fit.
 */
interface KeptTemplate {
  readonly node: PlanNode;
  readonly type: InstanceType;
  readonly daemonIndexes: readonly number[];
  readonly daemonRequests: ResourceList;
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  readonly rootVolumeSizeGiB: number;
  /** DaemonSets (by position) whose pods do not fit, in the order they were charged. */
  readonly misfitIndexes: readonly number[];
}

/**
 * Templates kept from one solve to the next: the autoscaler (sim/autoscaler.ts, expected-fleet.ts) solves again and again
 * with the same catalog, observed resources and DaemonSets, and VNGs that differ only in their limits and in the types and
 * zones left out; and the plan, its expected fleet and a rehearsal of it (or the next chaos run, a world like the last one)
 * meet the same observed resources and DaemonSets again in other objects. Kept per catalog (weakly), then per the content
 * of the observed resources and of the DaemonSets (worldKey: equal content, equal templates), then per VNG shape (every VNG
 * field a template reads), allocatable options, instance type, zone and region. Only when no DaemonSet has a claim: a
 * claim's volume needs depend on the claims each solve's cluster holds. A kept node is shared by the solves: nothing
 * changes a template node. The whole list is kept too, per the VNGs' shapes, instance types and zones (their limits are not
 * part of a template): a solve like an earlier one gets the very same Templates object, so what the phases derive from the
 * list alone (pairs per constraint key, downsizing candidates, spread domains of the templates) is kept with it.
 */
const kept = new WeakMap<Catalog, Map<string, KeptTemplates>>();

/** The most observed/DaemonSet contents kept per catalog (the map starts again beyond). */
const MAX_WORLDS = 16;

interface KeptTemplates {
  /** Per VNG shape (shapeKey): its kept templates. */
  readonly byShape: Map<string, KeptOfShape>;
  /** Whole lists, per the VNGs' shapes, instance types and zones in order (see listKey). */
  readonly lists: Map<string, Templates>;
}

/** The most whole lists kept per catalog, observed resources and DaemonSets (the map starts again beyond). */
const MAX_LISTS = 256;

/** The kept templates of one VNG shape (and region): by instance type, then zone (null: no zone). */
type KeptOfShape = Map<string, Map<string | null, KeptTemplate>>;

/** The text of each observed map and DaemonSet list met, made once per object. */
const observedTexts = new WeakMap<ReadonlyMap<string, NodeResources>, string>();
const daemonSetTexts = new WeakMap<readonly DaemonSet[], string>();

/**
 * Everything of the observed resources and the DaemonSets a template reads, as text: the observed entries in order, and per
 * DaemonSet (in order: templates name theirs by position) its namespace, name and pod template (not its uid).
 */
function worldKey(observed: ReadonlyMap<string, NodeResources>, daemonSets: readonly DaemonSet[]): string {
  let o = observedTexts.get(observed);
  if (o === undefined) observedTexts.set(observed, (o = JSON.stringify([...observed])));
  let d = daemonSetTexts.get(daemonSets);
  if (d === undefined) daemonSetTexts.set(daemonSets, (d = JSON.stringify(daemonSets.map((x) => [x.namespace, x.name, x.template]))));
  return `${o}\u0001${d}`;
}

/**
 * The kept templates found before for these very objects (catalog, observed map, DaemonSet list): the solves of one world
 * pass the same objects again and again, and finding them so costs less than reading the world's text.
 */
const byObjects = new WeakMap<Catalog, WeakMap<ReadonlyMap<string, NodeResources>, WeakMap<readonly DaemonSet[], KeptTemplates>>>();

function keptFor(input: SolveInput): KeptTemplates {
  let byObserved = byObjects.get(input.catalog);
  if (!byObserved) byObjects.set(input.catalog, (byObserved = new WeakMap()));
  let byDaemonSets = byObserved.get(input.observed);
  if (!byDaemonSets) byObserved.set(input.observed, (byDaemonSets = new WeakMap()));
  const daemonSets = input.cluster.daemonSets;
  const found = byDaemonSets.get(daemonSets);
  if (found !== undefined) return found;
  let byWorld = kept.get(input.catalog);
  if (!byWorld) kept.set(input.catalog, (byWorld = new Map()));
  const key = worldKey(input.observed, daemonSets);
  let k = byWorld.get(key);
  if (!k) {
    if (byWorld.size >= MAX_WORLDS) byWorld.clear();
    byWorld.set(key, (k = { byShape: new Map(), lists: new Map() }));
  }
  byDaemonSets.set(daemonSets, k);
  return k;
}

/**
 * Every field of a VNG that a template reads (not its limits, instance types or zones), with the allocatable options and
 * the region.
 */
function shapeKey(vng: Vng, input: SolveInput, region: string): string {
  return JSON.stringify([vng.name, vng.labels, vng.taints, vng.maxPods ?? null, vng.rootVolumeSizeGiB, input.allocatable ?? null, region]);
}

export function buildTemplates(
  input: SolveInput,
  daemonClasses: readonly PodClass[],
  daemonNameOf: ReadonlyMap<PodClass, string>,
): Templates {
  const { cluster, catalog } = input;
  // Templates: every (VNG, instance type, zone), with its DaemonSet pods charged first.
  let zonesOfCluster: string[] | null = null;
  const clusterZones = (): string[] => {
    if (zonesOfCluster === null) {
      const set = new Set<string>();
      for (const n of cluster.nodes) if (n.zone !== null) set.add(n.zone);
      zonesOfCluster = [...set].sort();
    }
    return zonesOfCluster;
  };
  let region: string = catalog.region;
  for (const n of cluster.nodes) {
    const r = n.labels['topology.kubernetes.io/region'];
    if (r !== undefined) {
      region = r;
      break;
    }
  }
  const zonesOf = (vng: Vng): (string | null)[] => (vng.zones.length > 0 ? [...vng.zones] : clusterZones().length > 0 ? clusterZones() : [null]);
  const keep =
    daemonClasses.length === cluster.daemonSets.length && !cluster.daemonSets.some((d) => d.template.volumes.some((v) => v.kind === 'pvc'));
  const memo = keep ? keptFor(input) : null;
  let shapes: string[] | null = null;
  let listKey: string | null = null;
  if (memo !== null) {
    shapes = input.vngs.map((vng) => shapeKey(vng, input, region));
    // Everything a template list reads of the VNGs: their shapes, instance types and zones, in order.
    listKey = input.vngs.map((vng, i) => `${shapes?.[i] ?? ''}\u0001${vng.instanceTypes.join(',')}\u0001${zonesOf(vng).join(',')}`).join('\u0002');
    const known = memo.lists.get(listKey);
    if (known !== undefined) return known;
  }
  const templates: Template[] = [];
  const misfits: DaemonSetMisfit[] = [];
  input.vngs.forEach((vng, v) => {
    const zones = zonesOf(vng);
    let ofShape: KeptOfShape | undefined;
    if (memo !== null) {
      const shape = shapes?.[v] ?? shapeKey(vng, input, region);
      ofShape = memo.byShape.get(shape);
      if (ofShape === undefined) memo.byShape.set(shape, (ofShape = new Map()));
    }
    for (const typeName of vng.instanceTypes) {
      const type = catalog.byName.get(typeName);
      if (!type) continue;
      let ofType = ofShape?.get(typeName);
      if (ofShape !== undefined && ofType === undefined) ofShape.set(typeName, (ofType = new Map()));
      for (const zone of zones) {
        let t = ofType?.get(zone);
        if (t === undefined) {
          t = template(input, vng, type, zone, region, daemonClasses);
          ofType?.set(zone, t);
        }
        templates.push({
          node: t.node,
          vngName: vng.name,
          type,
          price: t.node.price,
          daemonIndexes: t.daemonIndexes,
          daemonRequests: t.daemonRequests,
          maxPods: t.maxPods,
          maxPodsSource: t.maxPodsSource,
          rootVolumeSizeGiB: t.rootVolumeSizeGiB,
        });
        if (zone === zones[0]) {
          for (const i of t.misfitIndexes) {
            const name = daemonNameOf.get(daemonClasses[i] as PodClass) ?? '';
            misfits.push({ daemonSet: name, vng: vng.name, instanceType: typeName });
          }
        }
      }
    }
  });
  // Offerings (offerings.ts): a type the catalog says is not offered in a zone is never launched there.
  const { offered, unoffered } = splitByOffering(templates, catalog);
  const out: Templates = { templates: offered, misfits, unoffered, nodes: offered.map((t) => t.node) };
  if (memo !== null && listKey !== null) {
    if (memo.lists.size >= MAX_LISTS) memo.lists.clear();
    memo.lists.set(listKey, out);
  }
  return out;
}

/** The template of one (VNG, instance type, zone): its empty node with the DaemonSet pods that would run there charged. */
function template(
  input: SolveInput,
  vng: Vng,
  type: InstanceType,
  zone: string | null,
  region: string,
  daemonClasses: readonly PodClass[],
): KeptTemplate {
  const res = newNodeShape(vng, type, input.catalog, input.observed, input.allocatable);
  const labels = nodeTemplateLabels(vng, type, zone, region);
  const node: PlanNode = {
    idx: -1,
    name: `${vng.name}/${type.name}${zone === null ? '' : `/${zone}`}`,
    origin: 'template',
    labels,
    taints: vng.taints,
    allocatable: res.allocatable,
    requested: {},
    hostPorts: [],
    vng: vng.name,
    instanceType: type.name,
    zone,
    movedPods: [],
    price: type.priceUsdPerHour ?? Number.POSITIVE_INFINITY,
  };
  const daemonIndexes: number[] = [];
  const misfitIndexes: number[] = [];
  daemonClasses.forEach((dc, i) => {
    if (staticFailure(null, dc, node) !== null) return;
    daemonIndexes.push(i);
    addInto(node.requested, dc.spec.requests);
    for (const p of dc.spec.hostPorts) node.hostPorts.push(p);
    if (!fits(node.allocatable, {}, node.requested)) misfitIndexes.push(i);
  });
  return {
    node,
    type,
    daemonIndexes,
    daemonRequests: { ...node.requested },
    maxPods: res.maxPods,
    maxPodsSource: res.maxPodsSource,
    rootVolumeSizeGiB: res.rootVolumeSizeGiB,
    misfitIndexes,
  };
}
