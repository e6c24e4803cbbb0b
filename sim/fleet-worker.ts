/**
 * The thread of fleet-thread.ts: makes the plan's draft from its copy of the input, then the expected fleet, and sends the
 * fleet (and its progress) to the parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expectedFleet } from '../src/planner/expected-fleet.js';
import { draftPlan } from '../src/planner/plan.js';
import type { FleetThreadInput, FromFleetThread } from './fleet-thread.js';

const port = parentPort;
if (port !== null) {
  const input = workerData as FleetThreadInput;
  const tell = (m: FromFleetThread): void => port.postMessage(m);
  // The parent reports the draft's own phases (packing) from its draft: only the fleet's steps are passed on.
  const draft = draftPlan({ ...input, onProgress: (step) => (step.phase === 'expected fleet' ? tell({ kind: 'progress', step }) : undefined) });
  tell({ kind: 'fleet', fleet: expectedFleet(draft.fleetInput) });
}
