/**
 * The thread of plan-thread.ts: waits for its input (the parent's first message: the thread is started before the input is
 * read), makes the plan's draft from that copy and sends its rehearsal part, then makes the expected fleet and sends the
 * finished plan, with the progress of both. It ends once it sent the plan.
 */
import { parentPort } from 'node:worker_threads';
import { expectedFleet } from '../src/planner/expected-fleet.js';
import { draftPlan } from '../src/planner/plan.js';
import type { FromPlanThread, ToPlanThread } from './plan-thread.js';

const port = parentPort;
if (port !== null) {
  port.once('message', (m: ToPlanThread) => {
    const tell = (out: FromPlanThread): void => port.postMessage(out);
    const draft = draftPlan({ ...m.input, onProgress: (step) => tell({ kind: 'progress', step }) });
    tell({ kind: 'rehearsal', rehearsal: draft.rehearsal });
    tell({ kind: 'plan', plan: draft.finish(expectedFleet(draft.fleetInput)) });
  });
}
