/**
 * Pins ROOM_SHORT, the exception of the e2e differential test for the expected fleet (test/e2e/helpers/differential-compare.ts):
 * a pod the planner places that kube-scheduler leaves Pending is excused only when some node refused it for room, since the
 * expected fleet is an estimate that may be a node short; a pod refused for any other reason stays a disagreement.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { buildDiffCase, podKey } from '../../e2e/helpers/differential-case.js';
import { compareWorld, isRoomShort, type WorldAgreement } from '../../e2e/helpers/differential-compare.js';
import type { GuidedReplayResult, PodOutcome } from '../../e2e/helpers/sim-replay.js';

describe('ROOM_SHORT', () => {
  it("classifies kube-scheduler's messages: room (Insufficient X, Too many pods) or not", () => {
    expect(isRoomShort('0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.')).toBe(true);
    expect(isRoomShort("0/6 nodes are available: 1 Insufficient cpu, 5 node(s) didn't match Pod's node affinity/selector.")).toBe(true);
    expect(isRoomShort('0/3 nodes are available: 3 Too many pods.')).toBe(true);
    expect(isRoomShort("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.")).toBe(false);
    expect(isRoomShort('0/2 nodes are available: 2 node(s) had untolerated taint(s).')).toBe(false);
  });

  it('excuses a placed pod left Pending for room and counts it; flags one left Pending for another reason', () => {
    const c = buildDiffCase(loadCatalog(), 2);
    const placed = c.plan.pods.find((p) => p.placement !== null);
    if (!placed) throw new Error('world 2 places no pod');
    const bound = new Map<string, PodOutcome>(
      c.plan.pods.map((p) => [podKey(p), p.placement !== null ? { node: 'somewhere', message: null } : { node: null, message: p.summary ?? '' }]),
    );
    const clean: GuidedReplayResult = { decisions: 1, agreed: 1, tied: 0, pendingChecked: 0, pendingAgreed: 0, problems: [] };
    const extra = { recreated: 0, ms: 0, liveNodeVng: new Map<string, string>() };
    const withPending = (message: string): WorldAgreement => {
      const real = new Map(bound);
      real.set(podKey(placed), { node: null, message });
      return compareWorld(c, real, real, clean, extra);
    };
    const short = withPending('0/5 nodes are available: 5 Insufficient memory.');
    expect(short.problems).toEqual([]);
    expect(short.roomShort).toBe(1);
    expect(short.excused.filter((l) => l.startsWith('ROOM_SHORT '))).toHaveLength(1);
    const other = withPending("0/5 nodes are available: 5 node(s) didn't match pod topology spread constraints.");
    expect(other.roomShort).toBe(0);
    expect(other.problems.some((l) => l.startsWith(`${podKey(placed)}: placed by the planner`))).toBe(true);
  });
});
