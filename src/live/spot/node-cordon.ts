/**
 * The old nodes' cordon for `run --executor ocean` with cordonAllAtStart (OceanNodeCordon): a read of the node and a merge
 * patch of spec.unschedulable, as the own engine's ClusterPort does it, with the same API etiquette (retries, throttling).
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Api } from '@kubernetes/client-node';
import type { ApiEtiquette } from '../etiquette.js';
import { httpStatusOf, toPortError } from '../errors.js';
import type { OceanNodeCordon } from './ocean-executor.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function oceanNodeCordon(core: CoreV1Api, api: ApiEtiquette): OceanNodeCordon {
  const set = async (node: string, value: boolean): Promise<void> => {
    const what = `${value ? 'cordon' : 'uncordon'} node ${node}`;
    try {
      await api.call(what, 'idempotent', () => core.patchNode({ name: node, body: { spec: { unschedulable: value ? true : null } } }, MERGE_PATCH));
    } catch (e) {
      throw toPortError(e, what);
    }
  };
  return {
    async unschedulable(node) {
      const what = `read node ${node}`;
      try {
        const n = await api.call(what, 'idempotent', () => core.readNode({ name: node }));
        return n.spec?.unschedulable === true;
      } catch (e) {
        if (httpStatusOf(e) === 404) return null;
        throw toPortError(e, what);
      }
    },
    cordon: (node) => set(node, true),
    uncordon: (node) => set(node, false),
  };
}
