/**
 * CloudPort: how drained old instances are terminated.
 *
 * - `kwok`: the instances are KWOK's fake nodes, so terminating one is deleting its Node object. Instance ids map to nodes by
 *   their providerID (aws:///<zone>/<instance id>); an id with no node is already gone (success, as TerminateInstances is
 *   idempotent).
 * - `external`: the same Node deletion. Karpenter's termination finalizer terminates the instance behind a deleted Node;
 *   cluster-autoscaler and Ocean's controller do not, so with them the EC2 instance is left to the cloud side (a warning is
 *   logged) until the EC2 adapter exists; `--no-should-terminate-drained-nodes` avoids relying on it.
 * - `aws`: the EC2 instances themselves, as their Auto Scaling group or EC2 manages them, with guard rails
 *   (aws/aws-cloud.ts, aws/termination-plan.ts).
 */
import type { CloudPort } from '../engine/ports.js';
import { zoneFromProviderId } from '../model/kube/node.js';
import { AwsCloud, type LiveNodeRef } from './aws/aws-cloud.js';
import { makeAwsClients, type AwsSettings } from './aws/clients.js';
import { dryRunParam, type LiveContext } from './context.js';
import { httpStatusOf, toPortError } from './errors.js';
import { toNodeView } from './views.js';

export type CloudKind = 'kwok' | 'external' | 'aws';

/** What the aws cloud port needs beyond the live context. */
export interface AwsCloudSetup {
  readonly settings: AwsSettings;
  readonly clusterName: string;
  readonly allowLowerMinSize: boolean;
  /** The migration's old nodes (its plan's): only their instances may be terminated. */
  readonly oldNodes: readonly { readonly name: string; readonly instanceId: string | null }[];
}

/** Each Node object's providerID, by node name. */
export function liveNodeRefs(nodes: readonly unknown[]): Map<string, LiveNodeRef> {
  const out = new Map<string, LiveNodeRef>();
  for (const n of nodes) {
    const v = toNodeView(n);
    const providerID = (n as { spec?: { providerID?: unknown } }).spec?.providerID;
    out.set(v.name, { instanceId: v.instanceId, zone: typeof providerID === 'string' ? zoneFromProviderId(providerID) : null });
  }
  return out;
}

/** Node names per instance id, from Node objects (JSON). */
export function nodesByInstanceId(nodes: readonly unknown[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of nodes) {
    const v = toNodeView(n);
    if (v.instanceId === null) continue;
    out.set(v.instanceId, [...(out.get(v.instanceId) ?? []), v.name]);
  }
  return out;
}

/** Terminates instances by deleting their Node objects. */
export class NodeDeletingCloud implements CloudPort {
  constructor(
    private readonly ctx: LiveContext,
    private readonly kind: 'kwok' | 'external',
  ) {}

  async terminateInstances(instanceIds: readonly string[]): Promise<void> {
    const byId = nodesByInstanceId(this.ctx.nodes.list());
    for (const id of instanceIds) {
      for (const node of byId.get(id) ?? []) {
        const what = `terminate instance ${id} (delete node ${node})`;
        if (this.ctx.dryRun) this.ctx.log(`dry run: ${what}`);
        else if (this.kind === 'external') this.ctx.log(`${what}: the Node object is deleted; the EC2 instance is left to the autoscaler or the cloud`);
        try {
          await this.ctx.api.call(what, 'idempotent', () => this.ctx.core.deleteNode({ name: node, ...dryRunParam(this.ctx) }));
        } catch (e) {
          if (httpStatusOf(e) !== 404) throw toPortError(e, what);
        }
      }
    }
  }
}

export function makeCloudPort(kind: CloudKind, ctx: LiveContext, aws?: AwsCloudSetup): CloudPort {
  if (kind !== 'aws') return new NodeDeletingCloud(ctx, kind);
  if (aws === undefined) throw new Error('the aws cloud port needs its settings');
  return new AwsCloud(makeAwsClients(aws.settings), {
    clusterName: aws.clusterName,
    oldNodes: aws.oldNodes,
    liveNodes: () => liveNodeRefs(ctx.nodes.list()),
    allowLowerMinSize: aws.allowLowerMinSize,
    dryRun: ctx.dryRun,
    log: ctx.log,
  });
}
