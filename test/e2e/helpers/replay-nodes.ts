/**
 * The Node objects a replay of a plan creates on the e2e control plane, as KWOK nodes labelled RUN_LABEL=<case id>:
 * a node that stays (not migrated) with the labels, taints and resources of the input, and a new node of the plan as a VNG
 * launches it (kwokNodeManifest, the code live mode launches nodes with). The simulated scheduler's replay reads the same
 * objects into the model, so both schedulers see the same nodes.
 */
import type * as k8s from '@kubernetes/client-node';
import type { Catalog } from '../../../src/catalog/catalog.js';
import type { NodeResources } from '../../../src/catalog/allocatable.js';
import { kwokNodeManifest } from '../../../src/live/capacity-kwok.js';
import type { Node, Vng } from '../../../src/model/types.js';
import { REGION } from '../../helpers/kube-objects.js';
import { RUN_LABEL } from './cluster-kit.js';

/** A node of the input that stays, named `live`, with its labels, taints, capacity and allocatable. */
export function stayingNodeManifest(n: Node, live: string, runId: string, index: number): k8s.V1Node {
  const q = (list: Readonly<Record<string, number>>): Record<string, string> =>
    Object.fromEntries(Object.entries(list).map(([k, v]) => [k, k === 'cpu' ? `${v}m` : String(v)]));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: live,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { ...n.labels, 'kubernetes.io/hostname': live, type: 'kwok', [RUN_LABEL]: runId },
    },
    spec: {
      providerID: `aws:///${n.zone ?? ''}/i-0e2e${index.toString(16).padStart(13, '0')}`,
      ...(n.taints.length > 0 ? { taints: n.taints.map((t) => ({ key: t.key, ...(t.value !== '' ? { value: t.value } : {}), effect: t.effect })) } : {}),
    },
    status: { capacity: q(n.capacity), allocatable: q(n.allocatable) },
  };
}

/** A plan's new node as its VNG launches it, named `live`; throws for a VNG or instance type the inputs do not know. */
export function newNodeManifest(
  n: { readonly name: string; readonly vng: string; readonly instanceType: string; readonly zone: string | null },
  live: string,
  runId: string,
  index: number,
  vngs: readonly Vng[],
  catalog: Catalog,
  observed: ReadonlyMap<string, NodeResources>,
): k8s.V1Node {
  const vng = vngs.find((v) => v.name === n.vng);
  if (!vng) throw new Error(`plan node ${n.name}: unknown VNG ${n.vng}`);
  const manifest = kwokNodeManifest(
    { name: live, instanceId: `i-0e2e${(0x1000000 + index).toString(16).padStart(13, '0')}`, vng, instanceType: n.instanceType, zone: n.zone ?? `${REGION}a`, region: REGION },
    catalog,
    observed,
  );
  if (!manifest) throw new Error(`plan node ${n.name}: no manifest for ${n.instanceType}`);
  manifest.metadata = { ...manifest.metadata, labels: { ...manifest.metadata?.labels, [RUN_LABEL]: runId } };
  return manifest;
}
