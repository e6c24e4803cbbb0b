/**
 * CloudPort: how drained old instances are terminated.
 *
 * - `kwok`: the instances are KWOK's fake nodes, so terminating one is deleting its Node object. Instance ids map to nodes by
 *   their providerID (aws:///<zone>/<instance id>); an id with no node is already gone (success, as TerminateInstances is
 *   idempotent).
 * - `external`: the same Node deletion. Karpenter's termination finalizer terminates the instance behind a deleted Node;
 *   cluster-autoscaler and Ocean's controller do not, so with them the EC2 instance is left to the cloud side (a warning is
 *   logged) until the EC2 adapter exists; `--no-should-terminate-drained-nodes` avoids relying on it.
 * - `ec2`: TerminateInstances through @aws-sdk/client-ec2 — the seam for a later issue. Asking for it now throws
 *   CloudNotAvailableError.
 */
import type { CloudPort } from '../engine/ports.js';
import { dryRunParam, type LiveContext } from './context.js';
import { httpStatusOf, toPortError } from './errors.js';
import { toNodeView } from './views.js';

export type CloudKind = 'kwok' | 'external' | 'ec2';

export class CloudNotAvailableError extends Error {
  override readonly name = 'CloudNotAvailableError';
  constructor(readonly kind: CloudKind) {
    super(`the ${kind} cloud port is not available yet: use kwok (test clusters) or external (Ocean, Karpenter or cluster-autoscaler)`);
  }
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

export function makeCloudPort(kind: CloudKind, ctx: LiveContext): CloudPort {
  if (kind === 'ec2') throw new CloudNotAvailableError(kind);
  return new NodeDeletingCloud(ctx, kind);
}
