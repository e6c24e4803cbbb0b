/**
 * ClusterPort over the Kubernetes API. Reads are snapshots of the node and pod watch caches (informers.ts), and refuse with
 * PortError('connectivity') until both are synced or while a watch is broken. Writes: cordon and uncordon by a merge patch of
 * spec.unschedulable (with the migration's annotations, in the same request); eviction through the policy/v1 Eviction subresource (201/200 evicted, 404 gone, 429 from a
 * PodDisruptionBudget blocked-by-pdb, see errors.ts for the rest); deletes where 404 is success. With dryRun every write goes
 * with dryRun=All and is logged.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ClusterPort, ClusterSnapshot, EvictOutcome, NodeView, PodView } from '../engine/ports.js';
import { dryRunParam, type LiveContext } from './context.js';
import { evictionErrorOutcome, httpStatusOf, toPortError } from './errors.js';
import type { EventRecorder } from './events.js';
import { MIGRATION_ANNOTATION, PHASE_ANNOTATION, type StateStore } from './state-store.js';
import { toNodeView, toPodView } from './views.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function makeClusterPort(ctx: LiveContext, store: StateStore, events: EventRecorder): ClusterPort {
  const { core, api } = ctx;
  const dry = (what: string): void => {
    if (ctx.dryRun) ctx.log(`dry run: ${what}`);
  };

  const setUnschedulable = async (node: string, value: boolean): Promise<void> => {
    const what = `${value ? 'cordon' : 'uncordon'} node ${node}`;
    dry(what);
    try {
      // The patch that cordons (or uncordons) also says which migration did it, in the same request: the node's
      // annotations vngshift.io/migration and vngshift.io/phase (cordoned, uncordoned).
      const id = store.migrationId();
      const metadata = id === null ? {} : { metadata: { annotations: { [MIGRATION_ANNOTATION]: id, [PHASE_ANNOTATION]: value ? 'cordoned' : 'uncordoned' } } };
      await api.call(what, 'idempotent', () => core.patchNode({ name: node, body: { ...metadata, spec: { unschedulable: value ? true : null } }, ...dryRunParam(ctx) }, MERGE_PATCH));
    } catch (e) {
      throw toPortError(e, what);
    }
  };

  return {
    snapshot(): ClusterSnapshot {
      const nodes: NodeView[] = ctx.nodes.list().map(toNodeView).sort((a, b) => cmp(a.name, b.name));
      const pods: PodView[] = ctx.pods
        .list()
        .map(toPodView)
        .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
      return { nodes, pods };
    },
    cordon: (node) => setUnschedulable(node, true),
    uncordon: (node) => setUnschedulable(node, false),
    async evict(namespace, name): Promise<EvictOutcome> {
      const what = `evict pod ${namespace}/${name}`;
      dry(what);
      try {
        await api.call(what, 'throttled-only', () =>
          core.createNamespacedPodEviction({
            name,
            namespace,
            body: {
              apiVersion: 'policy/v1',
              kind: 'Eviction',
              metadata: { name, namespace },
              ...(ctx.dryRun ? { deleteOptions: { dryRun: ['All'] } } : {}),
            },
            ...dryRunParam(ctx),
          }),
        );
        return { kind: 'evicted' };
      } catch (e) {
        return evictionErrorOutcome(e, what);
      }
    },
    async deletePod(namespace, name) {
      const what = `delete pod ${namespace}/${name}`;
      dry(what);
      try {
        await api.call(what, 'idempotent', () => core.deleteNamespacedPod({ name, namespace, ...dryRunParam(ctx) }));
      } catch (e) {
        if (httpStatusOf(e) !== 404) throw toPortError(e, what);
      }
    },
    async deleteNode(node) {
      const what = `delete node ${node}`;
      dry(what);
      try {
        await api.call(what, 'idempotent', () => core.deleteNode({ name: node, ...dryRunParam(ctx) }));
      } catch (e) {
        if (httpStatusOf(e) !== 404) throw toPortError(e, what);
      }
    },
    saveState: (state) => store.saveState(state),
    loadState: (id) => store.loadState(id),
    stopRequest: (id) => store.stopRequest(id),
    recordEvent: (kind, namespace, name, reason, message) => events.record(kind, namespace, name, reason, message),
  };
}
