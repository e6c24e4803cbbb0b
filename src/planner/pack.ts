/**
 * The pure scheduling solve: place every moving pod on a node that stays or on a new node of some VNG so that every predicate
 * holds, at the lowest hourly cost the heuristics find. First-fit decreasing over pod classes; a new node's instance type is
 * chosen by price per pod for the demand still waiting; a final pass moves each new node to the cheapest type that still holds
 * its pods. No I/O, no clock: the same input gives the same result. The phases of a round live in pack/; this module is
 * their public entry.
 */
import type { PlanNode } from './plan-node.js';
import { packClasses, type PackClasses } from './pack/classes.js';
import { demandBook } from './pack/demand.js';
import { downsize } from './pack/downsize.js';
import { firstFit } from './pack/first-fit.js';
import { openVngMinimums } from './pack/minimums.js';
import { packResult } from './pack/results.js';
import { packState } from './pack/state.js';
import { contextWithStayingNodes } from './pack/staying.js';
import { buildTemplates, type Templates } from './pack/templates.js';

export { classKeysOf, packClasses, type PackClasses } from './pack/classes.js';
export type {
  DaemonSetMisfit,
  NewNode,
  Placement,
  Reason,
  SolveInput,
  SolveResult,
  Unschedulable,
} from './pack/types.js';
import type { SolveInput, SolveResult } from './pack/types.js';

/** Ways to run the solve that only tests need. */
export interface SolveOptions {
  /** Place pods one by one, never several of a class in one step (see pack/one-step.ts): the reference it must equal. */
  readonly podByPod?: boolean;
}

/**
 * Zone spread is judged against the zones that will have nodes when the migration ends, and which nodes the plan launches
 * depends on the packing. So packing runs again with the nodes the previous round ended with as extra spread domains
 * ("ghosts"), until no round adds a node kind (labels and taints) not seen before. The set only grows, so this stops, and the
 * final round counted every domain its own nodes create: every skew it accepted holds in the final cluster.
 */
export function solve(input: SolveInput, options: SolveOptions = {}): SolveResult {
  return solveClasses(input, packClasses(input), options);
}

/**
 * solve() over pod classes built once by packClasses(input) for this very input, as cluster-autoscaler's estimator takes
 * pods already grouped into equivalence groups. The classes are only read, but their term index holds the counts of placed
 * pods while a round packs: each round starts them from zero, so one PackClasses serves any number of rounds and calls (one
 * at a time). The templates do not depend on the round either: built once per call.
 */
export function solveClasses(input: SolveInput, classes: PackClasses, options: SolveOptions = {}): SolveResult {
  // Does some moving pod spread over a key other than hostname (only asked once a round saw a domain grow)?
  const spreads = (): boolean =>
    input.movingPods.some((p) =>
      p.topologySpread.some((c) => c.whenUnsatisfiable === 'DoNotSchedule' && c.topologyKey !== 'kubernetes.io/hostname'),
    );
  const templates = buildTemplates(input, classes.daemonClasses, classes.daemonNameOf);
  let ghosts: PlanNode[] = [];
  const seen = new Set<string>();
  for (let round = 0; ; round++) {
    const { result, finalNodes, domainsGrew } = solveOnce(input, classes, templates, ghosts, options);
    // Done when no spread domain appeared after a class had been checked: every check saw every domain.
    if (!domainsGrew || round >= 5 || !spreads()) return result;
    let added = false;
    for (const node of finalNodes) {
      const labels: Record<string, string> = { ...node.labels };
      delete labels['kubernetes.io/hostname'];
      const key = JSON.stringify([Object.entries(labels).sort(), node.taints]);
      if (seen.has(key)) continue;
      seen.add(key);
      added = true;
      ghosts = [...ghosts, { ...node, idx: -1, origin: 'ghost', labels, requested: {}, hostPorts: [], movedPods: [] }];
    }
    if (!added) return result;
  }
}

/**
 * One packing round, phase by phase (each in its module under pack/): `finalNodes` are the round's new nodes, `domainsGrew`
 * whether a spread domain appeared after a class had been checked.
 */
function solveOnce(
  input: SolveInput,
  classes: PackClasses,
  { templates, misfits, unoffered, nodes: templateNodes }: Templates,
  ghosts: readonly PlanNode[],
  options: SolveOptions,
): { result: SolveResult; finalNodes: readonly PlanNode[]; domainsGrew: boolean } {
  const { terms, movingClasses, stayingNodes, stayingPods, stayingClasses, daemonNameOf } = classes;
  terms.resetCounts();
  const ctx = contextWithStayingNodes({
    terms,
    templateNodes,
    vngs: input.vngs,
    catalog: input.catalog,
    ghosts,
    stayingNodes,
    stayingPods,
    stayingClasses,
  });
  const state = packState(ctx, classes.daemonClasses);
  const pending = firstFit(state, movingClasses, templates, demandBook(movingClasses), options);
  downsize(state, movingClasses, templates);
  openVngMinimums(state, input.vngs, templates);
  const result = packResult({ state, movingPods: input.movingPods, pending, templates, misfits, daemonNameOf, unoffered });
  return { result, finalNodes: state.newNodes.map((n) => n.node), domainsGrew: ctx.spreadDomainsMissed() };
}
