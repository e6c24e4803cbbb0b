/**
 * The thread of plan-thread.ts: makes the plan's draft from its copy of the input and sends its rehearsal part, then makes
 * the expected fleet and sends the finished plan, with the progress of both.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expectedFleet } from '../src/planner/expected-fleet.js';
import { draftPlan } from '../src/planner/plan.js';
import type { FromPlanThread, PlanThreadInput } from './plan-thread.js';

const port = parentPort;
if (port !== null) {
  const input = workerData as PlanThreadInput;
  const tell = (m: FromPlanThread): void => port.postMessage(m);
  const draft = draftPlan({ ...input, onProgress: (step) => tell({ kind: 'progress', step }) });
  tell({ kind: 'rehearsal', rehearsal: draft.rehearsal });
  tell({ kind: 'plan', plan: draft.finish(expectedFleet(draft.fleetInput)) });
}
