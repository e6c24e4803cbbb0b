/**
 * Packing phase 2, the VNG node types: one empty template node per (VNG, instance type, zone), with the DaemonSet pods that
 * would run there charged first, and the DaemonSets whose pods alone do not fit a type.
 */
import { newNodeShape, type MaxPodsSource } from '../../catalog/new-node.js';
import { nodeTemplateLabels } from '../../catalog/template.js';
import type { InstanceType, ResourceList, Vng } from '../../model/types.js';
import type { PodClass } from '../pod-classes.js';
import type { PlanNode } from '../plan-node.js';
import { splitByOffering } from '../offerings.js';
import { addInto, fits } from '../resources.js';
import { staticFailure } from './static-failure.js';
import type { DaemonSetMisfit, SolveInput } from './types.js';

export interface Template {
  readonly node: PlanNode;
  readonly vng: Vng;
  readonly type: InstanceType;
  readonly price: number;
  readonly daemonClasses: readonly PodClass[];
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
}

export function buildTemplates(
  input: SolveInput,
  daemonClasses: readonly PodClass[],
  daemonNameOf: ReadonlyMap<PodClass, string>,
): Templates {
  const { cluster, catalog } = input;
  // Templates: every (VNG, instance type, zone), with its DaemonSet pods charged first.
  const clusterZones = [...new Set(cluster.nodes.map((n) => n.zone).filter((z): z is string => z !== null))].sort();
  const region =
    cluster.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined) ??
    catalog.region;
  const templates: Template[] = [];
  const misfits: DaemonSetMisfit[] = [];
  for (const vng of input.vngs) {
    const zones: (string | null)[] = vng.zones.length > 0 ? [...vng.zones] : clusterZones.length > 0 ? clusterZones : [null];
    for (const typeName of vng.instanceTypes) {
      const type = catalog.byName.get(typeName);
      if (!type) continue;
      const res = newNodeShape(vng, type, catalog, input.observed, input.allocatable);
      for (const zone of zones) {
        const labels = nodeTemplateLabels(vng, type, zone, region);
        const node: PlanNode = {
          idx: -1,
          name: `${vng.name}/${typeName}${zone === null ? '' : `/${zone}`}`,
          origin: 'template',
          labels,
          taints: vng.taints,
          allocatable: res.allocatable,
          requested: {},
          hostPorts: [],
          vng: vng.name,
          instanceType: typeName,
          zone,
          movedPods: [],
          price: type.priceUsdPerHour ?? Number.POSITIVE_INFINITY,
        };
        const runs: PodClass[] = [];
        for (const dc of daemonClasses) {
          if (staticFailure(null, dc, node) !== null) continue;
          runs.push(dc);
          addInto(node.requested, dc.spec.requests);
          for (const p of dc.spec.hostPorts) node.hostPorts.push(p);
          if (zone === zones[0] && !fits(node.allocatable, {}, node.requested)) {
            const name = daemonNameOf.get(dc) ?? '';
            misfits.push({ daemonSet: name, vng: vng.name, instanceType: typeName });
          }
        }
        templates.push({
          node,
          vng,
          type,
          price: node.price,
          daemonClasses: runs,
          daemonRequests: { ...node.requested },
          maxPods: res.maxPods,
          maxPodsSource: res.maxPodsSource,
          rootVolumeSizeGiB: res.rootVolumeSizeGiB,
        });
      }
    }
  }
  // Offerings (offerings.ts): a type the catalog says is not offered in a zone is never launched there.
  const { offered, unoffered } = splitByOffering(templates, catalog);
  return { templates: offered, misfits, unoffered };
}
