/**
 * API etiquette for every call the live adapters make: a client-side rate limit (a token bucket, 20 requests per second with
 * bursts of 40 by default, as client-go's defaults are 5/10 and controllers commonly raise them), a timeout per call, and
 * retries with exponential backoff (and jitter) on 429 that is not a PodDisruptionBudget refusal, on 5xx and on transport
 * errors, for the calls that are safe to repeat. Errors leave here as they came (the caller maps them, see errors.ts).
 */
import { httpStatusOf, isDisruptionBudgetRefusal, networkCodeOf, parseStatus, retryAfterOf } from './errors.js';

export interface EtiquetteOptions {
  /** Sustained requests per second. Default 20. */
  readonly qps?: number;
  /** Requests allowed at once after a quiet spell. Default 40. */
  readonly burst?: number;
  /** Retries after the first attempt. Default 4. */
  readonly retries?: number;
  /** First retry delay in seconds; doubles per retry up to `backoffMaxSeconds`. Default 0.5. */
  readonly backoffBaseSeconds?: number;
  readonly backoffMaxSeconds?: number;
  /** A call that has not answered after this many seconds fails as a lost connection. Default 30. */
  readonly timeoutSeconds?: number;
}

/** How a call may be retried. */
export type RetryPolicy =
  /** Reads, merge patches, deletes: repeated on throttling, 5xx and transport errors. */
  | 'idempotent'
  /** Creates such as an Eviction: repeated only on a 429 that refused the request before it was processed. */
  | 'throttled-only'
  | 'none';

/**
 * A token bucket: `burst` tokens, refilled at `qps` per second. `reserve()` takes a token now, or books the next one and says
 * how long to wait for it, so waiting callers are served in order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly nowMs: () => number = () => Date.now(),
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError(`a token bucket needs qps > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
    this.last = nowMs();
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.qps);
    this.last = now;
  }

  /** Milliseconds to wait before the token just reserved may be used (0: go now). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Tokens available now (negative while callers wait). */
  available(): number {
    this.refill();
    return this.tokens;
  }
}

/** Delay in seconds before retry number `attempt` (0 for the first retry), before jitter. */
export function backoffSeconds(attempt: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** attempt);
}

/** Whether an error of a call made under `policy` is worth another attempt. */
export function shouldRetry(e: unknown, policy: RetryPolicy): boolean {
  if (policy === 'none') return false;
  const status = httpStatusOf(e);
  if (status === 429) {
    const body = typeof e === 'object' && e !== null ? (e as { body?: unknown }).body : undefined;
    return !isDisruptionBudgetRefusal(parseStatus(body));
  }
  if (policy === 'throttled-only') return false;
  if (status !== null) return status >= 500;
  return networkCodeOf(e) !== null;
}

class CallTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, seconds: number) {
    super(`${what}: no answer within ${seconds}s`);
  }
}

export type Sleeper = (ms: number) => Promise<void>;

const realSleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every API call of the live world goes through one of these. */
export class ApiEtiquette {
  readonly bucket: TokenBucket;
  private readonly retries: number;
  private readonly base: number;
  private readonly max: number;
  private readonly timeoutMs: number;
  /** Retries made so far (for logs and tests). */
  retried = 0;

  constructor(
    opts: EtiquetteOptions = {},
    private readonly sleep: Sleeper = realSleep,
    nowMs: () => number = () => Date.now(),
  ) {
    this.bucket = new TokenBucket(opts.qps ?? 20, opts.burst ?? 40, nowMs);
    this.retries = opts.retries ?? 4;
    this.base = opts.backoffBaseSeconds ?? 0.5;
    this.max = opts.backoffMaxSeconds ?? 8;
    this.timeoutMs = (opts.timeoutSeconds ?? 30) * 1000;
  }

  private async once<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const wait = this.bucket.reserve();
    if (wait > 0) await this.sleep(wait);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeout(what, this.timeoutMs / 1000)), this.timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `fn` under the rate limit and timeout, retrying per `policy`; the last error is thrown as it came. */
  async call<T>(what: string, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(what, fn);
      } catch (e) {
        if (attempt >= this.retries || !shouldRetry(e, policy)) throw e;
        const backoff = backoffSeconds(attempt, this.base, this.max) * (0.5 + Math.random() / 2);
        const hint = retryAfterOf(e);
        const seconds = Math.min(this.max, Math.max(backoff, hint ?? 0));
        this.retried += 1;
        await this.sleep(Math.round(seconds * 1000));
      }
    }
  }
}
