/**
 * The executor's client-side rate limit in virtual time: the token bucket of src/live/etiquette.ts (`qps` tokens a second,
 * at most `burst` saved up), so a rehearsal paces the engine's Kubernetes API calls as `run --qps/--burst` paces the live
 * ones. `reserve(now)` takes the next token and says how many seconds the call waits for it (0: at once); callers that wait
 * are served in order.
 */
export class VirtualTokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  reserve(now: number): number {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.qps);
    this.last = Math.max(this.last, now);
    this.tokens -= 1;
    // A shortfall under a microsecond is rounding, not a wait (keeps 50 ms calls at 20/s from drifting by a hair).
    return this.tokens >= -1e-6 ? 0 : -this.tokens / this.qps;
  }
}
