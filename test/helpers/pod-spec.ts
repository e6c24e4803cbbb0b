/** A pod's scheduling fields with empty constraints: the defaults every hand-built pod in the tests starts from. */
import type { Labels, PodScheduling } from '../../src/model/types.js';

export interface PodInput extends Partial<PodScheduling> {
  readonly namespace?: string;
  readonly labels?: Labels;
}

/** A PodScheduling with empty constraints; `requests` always carries `pods: 1` as the model does. */
export function podSpec(p: PodInput = {}): PodScheduling {
  return {
    requests: { pods: 1, ...(p.requests ?? {}) },
    nodeSelector: p.nodeSelector ?? {},
    requiredNodeAffinity: p.requiredNodeAffinity ?? null,
    tolerations: p.tolerations ?? [],
    hostPorts: p.hostPorts ?? [],
    podAffinity: p.podAffinity ?? [],
    podAntiAffinity: p.podAntiAffinity ?? [],
    topologySpread: p.topologySpread ?? [],
    volumes: p.volumes ?? [],
    priority: p.priority ?? 0,
    terminationGracePeriodSeconds: p.terminationGracePeriodSeconds ?? 30,
  };
}
