/** stateText is JSON.stringify of the state, byte for byte, whatever the batches went through (their texts are kept while unchanged). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialState, type BatchPhase, type EnginePlan, type MigrationState } from '../../../src/engine/state.js';
import { noteChanged, sameParts, stateParts, stateText, tellChanges } from '../../../src/engine/state-text.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';

const PHASES: readonly BatchPhase[] = ['pending', 'draining', 'waiting', 'terminating', 'done'];

function plan(batches: number): EnginePlan {
  const oldNodes = Array.from({ length: batches }, (_, i) => ({ name: `old-${i}`, instanceId: i % 2 === 0 ? `i-${i}` : null }));
  return { oldNodes, batches: oldNodes.map((n) => ({ nodes: [n.name] })), params: DEFAULT_PARAMS, boundSeconds: 100 };
}

const step = fc.record({
  batch: fc.nat(7),
  phase: fc.constantFrom(...PHASES),
  evict: fc.option(fc.record({ pod: fc.string(), ownerUid: fc.option(fc.string()) }), { nil: undefined }),
  baseline: fc.option(fc.string(), { nil: undefined }),
  finishedAt: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  startedAt: fc.option(fc.nat(), { nil: undefined }),
  drainedAt: fc.option(fc.nat(), { nil: undefined }),
  dropBaseline: fc.boolean(),
  retry: fc.option(fc.tuple(fc.constantFrom('ns/a', 'ns/b', 'ns/c'), fc.nat()), { nil: undefined }),
  /** In-place changes of the records: a retry's fields, a retry gone, a node's phase, a workload's last eviction set or gone. */
  bump: fc.option(fc.constantFrom('ns/a', 'ns/b', 'ns/c'), { nil: undefined }),
  unretry: fc.option(fc.constantFrom('ns/a', 'ns/b', 'ns/c'), { nil: undefined }),
  nodePhase: fc.option(fc.tuple(fc.nat(7), fc.constantFrom('waiting', 'cordoned', 'drained', 'terminated' as const)), { nil: undefined }),
  lastEvicted: fc.option(fc.tuple(fc.constantFrom('rs-1', 'rs-2', 'sts-1'), fc.option(fc.nat(5))), { nil: undefined }),
});

describe('stateText', () => {
  it('equals JSON.stringify(state) after any sequence of changes, finished batches included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(step, { maxLength: 40 }), (n, steps) => {
        const s = initialState('m-1', plan(n), 3);
        expect(stateText(s)).toBe(JSON.stringify(s));
        let last = stateParts(s);
        for (const st of steps) {
          const b = s.batches[st.batch % n];
          if (b === undefined) continue;
          b.phase = st.phase;
          if (st.evict !== undefined) b.evicted.push(st.evict);
          if (st.baseline !== undefined) b.baseline.push(st.baseline);
          if (st.finishedAt !== undefined) b.finishedAt = st.finishedAt;
          if (st.startedAt !== undefined) b.startedAt = st.startedAt;
          if (st.drainedAt !== undefined) b.drainedAt = st.drainedAt;
          if (st.dropBaseline) b.baseline = [];
          if (st.retry !== undefined) s.evictRetry[st.retry[0]] = { attempts: st.retry[1], nextAt: 1, firstBlockedAt: 0 };
          const retried = st.bump === undefined ? undefined : s.evictRetry[st.bump];
          if (retried !== undefined) retried.attempts += 1;
          if (st.unretry !== undefined) delete s.evictRetry[st.unretry];
          if (st.nodePhase !== undefined) s.nodePhase[`old-${st.nodePhase[0] % n}`] = st.nodePhase[1];
          if (st.lastEvicted !== undefined) {
            const [uid, at] = st.lastEvicted;
            if (at === null) delete s.lastEvictedAt[uid];
            else s.lastEvictedAt[uid] = at;
          }
          s.current = st.batch % n;
          const before = last;
          last = stateParts(s);
          expect(last.join('')).toBe(JSON.stringify(s));
          // The pieces compare equal exactly when the texts do.
          expect(sameParts(last, before)).toBe(last.join('') === before.join(''));
          expect(sameParts(last, stateParts(s))).toBe(true);
        }
      }),
    );
  });

  it('reuses the text of a finished batch and notices when its record grows', () => {
    const s = initialState('m-2', plan(2), 0);
    const b = s.batches[0]!;
    b.phase = 'done';
    b.evicted.push({ pod: 'ns/a', ownerUid: 'rs-1' });
    const first = stateText(s);
    expect(first).toBe(JSON.stringify(s));
    b.evicted.push({ pod: 'ns/b', ownerUid: null });
    expect(stateText(s)).toBe(JSON.stringify(s));
    expect(stateText(s)).not.toBe(first);
  });

  it('keeps a finished batch as the same piece, so a save that changes nothing compares without reading its text', () => {
    const s = initialState('m-3', plan(3), 0);
    const b = s.batches[0]!;
    b.phase = 'done';
    b.evicted.push({ pod: 'ns/a', ownerUid: 'rs-1' });
    const a = stateParts(s);
    const c = stateParts(s);
    const piece = a.find((p) => p.includes('ns/a'));
    expect(piece).toBeDefined();
    // The finished batch is a piece of its own (no separator glued to it), at the same place in both lists.
    expect(piece?.startsWith('{')).toBe(true);
    expect(c[a.indexOf(piece as string)]).toBe(piece);
    expect(sameParts(a, c)).toBe(true);
    s.current = 1;
    expect(sameParts(a, stateParts(s))).toBe(false);
  });

  it('reuses the text of a record whose changes are told until one is told, without reading its entries', () => {
    const s = initialState('m-4', plan(3), 0);
    tellChanges(s.nodePhase);
    tellChanges(s.lastEvictedAt);
    expect(stateText(s)).toBe(JSON.stringify(s));
    s.nodePhase['old-1'] = 'cordoned';
    noteChanged(s.nodePhase);
    s.lastEvictedAt['rs-1'] = 5;
    noteChanged(s.lastEvictedAt);
    expect(stateText(s)).toBe(JSON.stringify(s));
    // A change nobody told is not read: the kept text stands (what tellChanges promises to avoid comparing).
    s.nodePhase['old-2'] = 'drained';
    expect(stateText(s)).not.toBe(JSON.stringify(s));
    noteChanged(s.nodePhase);
    expect(stateText(s)).toBe(JSON.stringify(s));
    // A record nobody tells of is compared entry by entry.
    s.evictRetry['ns/a'] = { attempts: 1, nextAt: 5, firstBlockedAt: 0 };
    expect(stateText(s)).toBe(JSON.stringify(s));
  });
  it('writes a told record again from blocks: entries set, replaced or deleted with their key told, index keys, no key told', () => {
    const change = fc.record({
      key: fc.oneof(fc.constantFrom('a', 'b', 'ns/c', '7', '01', '__proto__x'), fc.string({ maxLength: 3 }), fc.nat(300).map((n) => `k${n}`)),
      value: fc.option(fc.oneof(fc.nat(), fc.string({ maxLength: 4 }), fc.record({ attempts: fc.nat(), nextAt: fc.double({ noDefaultInfinity: true }) })), { nil: undefined }),
      tellKey: fc.boolean(),
      save: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.nat(200), fc.array(change, { maxLength: 400 }), (start, changes) => {
        const s = initialState('m-5', plan(2), 0);
        replayTold(s, s.evictRetry, start, changes.map((c) => ({ ...c, told: c.tellKey ? c.key : undefined })));
      }),
      { numRuns: 300 },
    );
  });
  it('keeps a told record in blocks while no index-like key comes: many blocks, keys told, deleted and added again', () => {
    // No key JSON.stringify would move to the front, so the record is never written whole: the blocks themselves are checked.
    const key = fc.oneof(fc.nat(400).map((n) => `k${n}`), fc.string({ maxLength: 3 }).filter((k) => !/^[0-9]+$/.test(k)));
    const change = fc.record({ key, value: fc.option(fc.oneof(fc.nat(), fc.string({ maxLength: 4 })), { nil: undefined }), save: fc.boolean() });
    fc.assert(
      fc.property(fc.nat(300), fc.array(change, { maxLength: 500 }), (start, changes) => {
        const s = initialState('m-6', plan(2), 0);
        replayTold(s, s.lastEvictedAt, start, changes.map((c) => ({ ...c, told: c.key })));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Fills a record of the state with `start` entries, tells its changes, then sets (or deletes, for an undefined value) each
 * change's key and tells it with `told`: the state's text equals JSON.stringify at the start, at each `save` and at the end.
 */
function replayTold(
  s: MigrationState,
  record: object,
  start: number,
  changes: readonly { readonly key: string; readonly value: unknown; readonly told: string | undefined; readonly save: boolean }[],
): void {
  const r = record as Record<string, unknown>;
  for (let i = 0; i < start; i++) r[`s${i}`] = i;
  tellChanges(r);
  expect(stateText(s)).toBe(JSON.stringify(s));
  for (const c of changes) {
    if (c.value === undefined) delete r[c.key];
    else r[c.key] = c.value;
    noteChanged(r, c.told);
    if (c.save) expect(stateText(s)).toBe(JSON.stringify(s));
  }
  expect(stateText(s)).toBe(JSON.stringify(s));
}
