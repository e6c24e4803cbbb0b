/**
 * The wall clock for the live world: seconds since the Unix epoch, so that times the engine persists (in the state
 * ConfigMap) and times read from the API (creationTimestamp, a stop request's requestedAt) share one scale across processes.
 * Only the live world may read the wall clock; the planner, engine and simulator never do.
 */
import type { Clock } from '../engine/ports.js';

export class WallClock implements Clock {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  now(): number {
    return Date.now() / 1000;
  }

  sleep(seconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, Math.max(0, seconds * 1000)),
      };
      this.timers.add(entry);
    });
  }

  /** Ends every pending sleep at once (when the live world closes, so a waiting engine loop wakes up and can finish). */
  wakeAll(): void {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }
}
