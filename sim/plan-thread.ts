/**
 * The plan made beside the rehearsal, on a second core. A rehearsal reads only the plan's draft (src/planner/plan.ts
 * RehearsalPlan: old nodes, batches, parameters, time bound), and before its first event this thread has the world to
 * build (every node and pod adopted: 5 s at 5,000 nodes), which needs none of the plan. So `simulate` hands the whole plan
 * to a worker thread: the thread makes the draft (the packing: 3 s at 5,000 nodes) while this thread builds the world,
 * sends the draft's rehearsal part as soon as it has it, then makes the expected fleet (most of a large plan's time) while
 * the rehearsal runs here, and sends the finished plan. This thread makes no draft at all. The thread can be started before
 * the input is read (startPlanThread), so that its modules load meanwhile; it gets its input as its first message.
 *
 * The planner is pure: the thread's plan, from its structured clone of the input, is buildPlan's byte for byte (a plan is
 * plain data: strings, numbers, booleans, arrays and objects, which a structured clone keeps as they are). The input is
 * copied to the thread once (about 0.1 s for 17,000 pods) and the plan back once (a few MB at 500 nodes); the thread's heap
 * is its own and is freed when it ends. It runs only from the compiled code (the worker is a .js file beside this module);
 * from the TypeScript sources (tests), when the thread cannot start, has ended before its input came or cannot be given it
 * (a value a structured clone refuses), there is no job (null) and the caller plans in place, first; when the thread fails
 * or is stopped later, what it did not send is null and the caller makes it in place.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Plan, PlanInput, RehearsalPlan } from '../src/planner/plan.js';
import type { ProgressStep } from '../src/model/progress.js';

/** The input a plan thread is given: the plan's, but the progress sink (a function does not cross threads). */
export type PlanThreadInput = Omit<PlanInput, 'onProgress'>;

/** What the thread tells its parent: the plan's progress (packing, then the expected fleet), the draft's rehearsal part, the plan. */
export type FromPlanThread =
  | { readonly kind: 'progress'; readonly step: ProgressStep }
  | { readonly kind: 'rehearsal'; readonly rehearsal: RehearsalPlan }
  | { readonly kind: 'plan'; readonly plan: Plan };

/** A plan being made on a thread. */
export interface PlanJob {
  /** The part of the plan a rehearsal reads, as soon as the draft is made; null when the thread failed or was stopped before. */
  readonly rehearsal: Promise<RehearsalPlan | null>;
  /** The finished plan; null when the thread failed or was stopped before (the caller then makes it itself). */
  readonly plan: Promise<Plan | null>;
  /** Stops the thread (when the rehearsal failed and the plan is not needed); its messages are dropped from then on. */
  stop(): void;
}

/** The compiled worker the thread runs (plan-worker.js beside this module). */
const workerScript = (): string => fileURLToPath(new URL('./plan-worker.js', import.meta.url));

/**
 * Can this process plan on a thread? Only from the compiled code, where the worker exists (from the TypeScript sources there
 * is no plan-worker.js beside this module), as chaos's forkable() asks of its worker.
 */
export function planThreadable(script: string = workerScript()): boolean {
  return existsSync(script);
}

/** What the parent tells the thread: its input, once (the thread starts before the input is read: startPlanThread). */
export interface ToPlanThread {
  readonly kind: 'input';
  readonly input: PlanThreadInput;
}

/**
 * A plan thread started before its input is known, so that it loads its modules (about 0.1 s on an idle core, more beside a
 * busy one) while the command reads its input: `vngshift simulate` starts it first thing, bench:sim before it generates the
 * cluster. Until it is given an input it keeps no one waiting (a command that fails on its input exits as it would without
 * it); `stop()` ends it.
 */
export interface PlanThread {
  /**
   * Hands the thread buildPlan's input (at most once): the plan being made; null when the thread ended before (it failed
   * while loading, or was stopped) or the input cannot be copied to it (the thread is then stopped).
   */
  plan(input: PlanInput): PlanJob | null;
  /** Ends the thread (no input to come, or the plan no longer needed); what it did not send is null. */
  stop(): void;
  /** Settles once the thread has ended: sent the plan, failed or was stopped. */
  readonly ended: Promise<void>;
  /** The error the thread failed with (its message), if it failed; null otherwise (so far). */
  failure(): string | null;
}

/**
 * Starts a plan thread that waits for its input; null when none can start. Its progress steps (phases "pack" and "expected
 * fleet") reach the input's onProgress when this thread's event loop turns (the rehearsal yields between events). `script`:
 * the worker to run, plan-worker.js unless a test hands another (one that fails on purpose, to check the callers'
 * fallbacks). A thread that fails before its input comes (its modules did not load) takes no input (plan() gives null):
 * the caller plans in place.
 */
export function startPlanThread(script?: string): PlanThread | null {
  const file = script ?? workerScript();
  if (!planThreadable(file)) return null;
  let worker: Worker;
  try {
    worker = new Worker(file);
  } catch {
    return null;
  }
  /**
   * Whether the thread's messages still count: not once the plan came, the thread failed or was stopped. Node delivers what
   * a thread posted even after terminate(), and a progress step after the caller's reporter has ended would draw again (a
   * bar's timer keeps the process alive).
   */
  let open = true;
  let onProgress: PlanInput['onProgress'];
  let toldRehearsal: (r: RehearsalPlan | null) => void = () => undefined;
  let toldPlan: (p: Plan | null) => void = () => undefined;
  const rehearsal = new Promise<RehearsalPlan | null>((resolve) => (toldRehearsal = resolve));
  const plan = new Promise<Plan | null>((resolve) => (toldPlan = resolve));
  let toldEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (toldEnded = resolve));
  /** Ends the job: what was not sent yet is null (a promise already resolved keeps its value). */
  const close = (): void => {
    open = false;
    toldRehearsal(null);
    toldPlan(null);
    toldEnded();
  };
  worker.on('message', (m: FromPlanThread) => {
    if (!open) return;
    if (m.kind === 'progress') onProgress?.(m.step);
    else if (m.kind === 'rehearsal') toldRehearsal(m.rehearsal);
    else {
      toldPlan(m.plan);
      close();
    }
  });
  // A failed thread (an exception, out of memory) or a stopped one leaves the rest to the caller; once the plan came, these
  // change nothing.
  let failure: string | null = null;
  worker.on('error', (e: unknown) => {
    failure ??= e instanceof Error ? e.message : String(e);
    close();
  });
  worker.on('exit', close);
  // Until it has its input the thread keeps no one waiting (after the listeners: adding a 'message' one refs the thread).
  worker.unref();
  const stop = (): void => {
    close();
    void worker.terminate();
  };
  let given = false;
  return {
    plan: (input) => {
      if (given) throw new Error('plan thread: given a second input');
      given = true;
      const { onProgress: sink, ...data } = input;
      if (!open) return null;
      onProgress = sink;
      const message: ToPlanThread = { kind: 'input', input: data };
      try {
        // An input that cannot be copied (a function in it) throws here: the caller plans in place.
        worker.postMessage(message);
      } catch {
        stop();
        return null;
      }
      // From now on the caller waits for the thread.
      worker.ref();
      return { rehearsal, plan, stop };
    },
    stop,
    ended,
    failure: () => failure,
  };
}

/** Starts a thread and hands it buildPlan's input at once: the plan being made, or null when no thread can start. */
export function planBeside(input: PlanInput, script?: string): PlanJob | null {
  return startPlanThread(script)?.plan(input) ?? null;
}
