/**
 * The loop that runs the simulated world and the (asynchronous) engine together in virtual time.
 *
 * It pops one event at a time. When an event settled a promise the engine awaits, the loop yields one macrotask turn
 * (setImmediate): Node runs every queued microtask before it, so the engine's continuation runs to its next await on a port
 * (which schedules a new event) before the next event is popped. Nothing else runs in between (no I/O, no timers), so the
 * interleaving, and the trace, are the same on every run.
 *
 * Engine incarnations: each engine process gets a number; a crash abandons the current one, and promises of an abandoned
 * incarnation are never settled, so its code never runs again.
 */
import type { EventQueue } from './event-queue.js';

export class Runtime {
  private incarnation = 0;
  private settled = 0;

  constructor(readonly queue: EventQueue) {}

  get current(): number {
    return this.incarnation;
  }

  alive(incarnation: number): boolean {
    return incarnation === this.incarnation;
  }

  /** Abandons the running engine; returns the number of the next one. */
  abandon(): number {
    this.incarnation += 1;
    return this.incarnation;
  }

  /** Runs `settle` (a resolve or reject of an engine promise) only if the engine that asked is still the current one. */
  deliver(incarnation: number, settle: () => void): void {
    if (!this.alive(incarnation)) return;
    this.settled += 1;
    settle();
  }

  /** Notes that engine code may be waiting to run (e.g. right after it was started). */
  poke(): void {
    this.settled += 1;
  }

  /** Lets engine continuations run until none is left to run. */
  async drain(): Promise<void> {
    while (this.settled > 0) {
      this.settled = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Runs events until `done()` or until the next event is later than `maxSeconds` (then `timedOut`), or the queue is empty.
   */
  async run(done: () => boolean, maxSeconds: number, afterEvent?: () => void): Promise<{ timedOut: boolean; idle: boolean }> {
    await this.drain();
    while (!done()) {
      const next = this.queue.peekTime();
      if (next === null) return { timedOut: false, idle: true };
      if (next > maxSeconds) return { timedOut: true, idle: false };
      const ev = this.queue.pop();
      if (!ev) return { timedOut: false, idle: true };
      ev.run();
      // An event that settled nothing the engine awaits leaves nothing to run before the next one: no turn to yield.
      if (this.settled > 0) await this.drain();
      afterEvent?.();
    }
    return { timedOut: false, idle: false };
  }
}
