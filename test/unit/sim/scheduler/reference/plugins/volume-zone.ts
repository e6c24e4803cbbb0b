/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * VolumeZone (kube-scheduler plugins/volumezone): a bound PV labelled with a zone or region (topology.kubernetes.io/zone or
 * region, or their failure-domain.beta.kubernetes.io forms; several zones joined by "__") attaches only to nodes there. A
 * node with none of those labels passes; otherwise it must carry each of the PV's keys (the GA label standing in for a beta
 * key) with one of the PV's values. Unresolvable: "node(s) had no available volume zone".
 */
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin } from '../types.js';
import { claimsOf } from './volume-binding.js';

export const REASON_VOLUME_ZONE = 'node(s) had no available volume zone';

const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const KEYS = [ZONE, REGION, BETA_ZONE, BETA_REGION];
const GA: Readonly<Record<string, string>> = { [BETA_ZONE]: ZONE, [BETA_REGION]: REGION };

export const volumeZone: FilterPlugin = {
  name: 'VolumeZone',
  filter(pod, { node }, snapshot) {
    const bound = claimsOf(pod, snapshot).bound;
    if (bound.length === 0) return OK;
    if (!KEYS.some((k) => Object.hasOwn(node.labels, k))) return OK;
    for (const pv of bound) {
      for (const key of KEYS) {
        const want = pv.labels[key];
        if (want === undefined) continue;
        const ga = GA[key];
        const have = node.labels[key] ?? (ga === undefined ? undefined : node.labels[ga]);
        if (have === undefined || !want.split('__').includes(have)) return unresolvable(REASON_VOLUME_ZONE);
      }
    }
    return OK;
  },
};
