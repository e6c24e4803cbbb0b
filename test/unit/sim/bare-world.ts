/** A simulated world with no engine and no autoscaler loop, driven event by event: for tests of the world's own parts. */
import { World } from '../../../sim/cluster.js';
import { EventQueue } from '../../../sim/event-queue.js';
import { FaultState } from '../../../sim/fault-state.js';
import { DEFAULT_SIM_TIMING } from '../../../sim/timing.js';
import { Prng } from '../../../src/gen/prng.js';
import type { Cluster } from '../../../src/model/types.js';
import { catalog, generalVng } from './tiny-world.js';

/** The world of `c` with the general VNG, the default timing and no faults. */
export function bareWorld(c: Cluster, seed = 1): World {
  const queue = new EventQueue();
  const prng = new Prng(seed);
  return new World({ cluster: c, vngs: [generalVng()], catalog, timing: DEFAULT_SIM_TIMING, queue, faults: new FaultState([], prng.fork('faults')), prng });
}

/** Runs the world's events up to virtual time `t`. */
export function runUntil(w: World, t: number): void {
  for (;;) {
    const at = w.queue.peekTime();
    if (at === null || at > t) return;
    w.queue.pop()?.run();
  }
}
