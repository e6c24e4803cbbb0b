/**
 * Packing phase 5, placement: first-fit decreasing, class by class (priority, then size), over the open nodes in order;
 * a node found for a pod takes as many of its class as it would one by one, in one step (one-step.ts); a pod no open node
 * takes opens a new node, which gets a pod that needs a node of its own (solo-seed.ts) and complementing pods. Pods that
 * fit nowhere are retried after the others, for up to four passes.
 */
import type { PodScheduling } from '../../model/types.js';
import { MONOTONE_PLUGINS, runFilters } from '../predicates/index.js';
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { fits } from '../resources.js';
import { ByClass, idSpan } from './by-class.js';
import { complementer } from './complement.js';
import type { DemandBook } from './demand.js';
import { newNodeOpener } from './new-node-choice.js';
import { oneStepCount, packsInOneStep, placeMovingMany } from './one-step.js';
import { placeMoving } from './place.js';
import { soloSeeder } from './solo-seed.js';
import type { ClassQueue, PackState, PendingClass } from './state.js';
import type { Template } from './templates.js';

const MONO = MONOTONE_PLUGINS;

export interface FirstFitOptions {
  /** Place every pod on its own, never several of a class in one step (the reference the one-step path must equal). */
  readonly podByPod?: boolean;
}

/** Places what it can of the moving classes; returns the pods left without a node, by class. */
export function firstFit(
  state: PackState,
  movingClasses: readonly PodClass[],
  templates: readonly Template[],
  book: DemandBook,
  options: FirstFitOptions = {},
): PendingClass[] {
  const { ctx, open } = state;
  const openNode = newNodeOpener(state, templates, book);

  // First-fit decreasing, class by class; pods that fit nowhere are retried after the others (affinity targets may follow).
  const order = [...movingClasses].sort((a, b) => b.spec.priority - a.spec.priority || size(b.spec) - size(a.spec) || a.id - b.id);
  // Each class's members not placed yet, consumed from `head`; a new node may also take members of later classes (below).
  const queues = new ByClass<ClassQueue>(idSpan(movingClasses));
  const byGroup = new Map<string, PodClass[]>();
  for (const cls of order) {
    const g = book.groupOf(cls) ?? '';
    const list = byGroup.get(g);
    if (list) list.push(cls);
    else byGroup.set(g, [cls]);
  }
  const complement = complementer(state, book, byGroup, queues);
  const seeder = soloSeeder(state, book, byGroup, queues);

  let pending: PendingClass[] = order.map((cls) => ({ cls, members: [...cls.members] }));
  for (let pass = 0; pass < 4 && pending.length > 0; pass++) {
    const next: PendingClass[] = [];
    let progress = false;
    queues.clear();
    for (const { cls, members } of pending) queues.set(cls, { items: members, head: 0, turnPassed: false });
    seeder.newPass();
    for (const { cls } of pending) {
      const q = queues.get(cls) as ClassQueue;
      const left: number[] = [];
      if (cls.volumes.errors.length > 0) {
        next.push({ cls, members: q.items.slice(q.head) });
        q.turnPassed = true;
        continue;
      }
      // Nodes that failed a monotone predicate for this class stay failed while its members are placed.
      const dead = new Set<number>();
      const req = cls.spec.requests;
      const rc = req['cpu'] ?? 0;
      const rm = req['memory'] ?? 0;
      // Every node before `start` is dead for this class (or has no room): later members begin there.
      let start = 0;
      const oneStep = options.podByPod !== true && packsInOneStep(cls);
      while (q.head < q.items.length) {
        const podIndex = q.items[q.head++] as number;
        let chosen: PlanNode | null = null;
        let prefix = true;
        for (let i = open.first(cls, start, rc, rm); i !== -1; i = open.first(cls, i + 1, rc, rm)) {
          let isDead = dead.has(i);
          const node = ctx.nodes[i] as PlanNode;
          if (!isDead && fits(node.allocatable, node.requested, req)) {
            const failure = runFilters(ctx, cls, node);
            if (failure === null) {
              chosen = node;
              break;
            }
            if (failure.monotone ?? MONO.has(failure.plugin)) {
              dead.add(i);
              isDead = true;
            }
          } else if (!isDead) {
            dead.add(i); // an extended resource short: monotone too
            isDead = true;
          }
          if (prefix && isDead) start = i + 1;
          else prefix = false;
        }
        let opened = false;
        if (chosen === null) {
          chosen = openNode(cls);
          opened = chosen !== null;
        }
        if (chosen === null) {
          left.push(podIndex);
          if (oneStep) {
            // Nothing changed since this pod failed: every member left fails alike.
            for (; q.head < q.items.length; q.head++) left.push(q.items[q.head] as number);
          }
          continue;
        }
        progress = true;
        if (opened) {
          placeMoving(state, book, cls, chosen, podIndex);
          open.update(chosen);
          seeder.seed(chosen, cls);
          complement(chosen, cls);
          continue;
        }
        const n = oneStep ? oneStepCount(cls, chosen, 1 + q.items.length - q.head) : 1;
        if (n <= 1) placeMoving(state, book, cls, chosen, podIndex);
        else {
          // podIndex is q.items[q.head - 1]: the run starts there.
          placeMovingMany(state, book, cls, chosen, q.items, q.head - 1, q.head - 1 + n);
          q.head += n - 1;
        }
        open.update(chosen);
      }
      q.turnPassed = true;
      if (left.length > 0) next.push({ cls, members: left });
    }
    pending = next;
    if (!progress) break;
  }
  return pending;
}

/** FFD ordering key: the larger of cpu in cores and memory in 4 GiB units (the 1:4 ratio of general-purpose types). */
function size(spec: PodScheduling): number {
  return Math.max((spec.requests['cpu'] ?? 0) / 1000, (spec.requests['memory'] ?? 0) / (4 * 1024 ** 3));
}
