import { describe, expect, it } from 'vitest';
import { FieldKeys } from '../../../../sim/scheduler/field-keys.js';
import { nodeLocalKey } from '../../../../sim/scheduler/class-cache.js';
import { groupKey } from '../../../../sim/scheduler/placed-index.js';
import { pod } from './fixtures.js';

describe('FieldKeys', () => {
  it('gives every set of fields the key its own JSON gives, whatever other sets of fields were asked for before', () => {
    const keys = new FieldKeys();
    // A few objects shared between the sets, and fresh equal copies of them: the key must never come from another set.
    const labels = [{ app: 'a' }, { app: 'b' }, { app: 'a' }];
    const requests = [{ cpu: '1' }, { cpu: '2' }, { cpu: '1' }];
    const tolerations = [[], [{ key: 't', operator: 'Exists' }]];
    let made = 0;
    for (let round = 0; round < 3; round++) {
      for (const l of labels) {
        for (const r of requests) {
          for (const t of tolerations) {
            for (const priority of [0, 10]) {
              const fields = [l, r, t, priority, round === 2 ? { fresh: round } : null];
              const key = keys.key(fields, () => {
                made++;
                return JSON.stringify(fields);
              });
              expect(key).toBe(JSON.stringify(fields));
            }
          }
        }
      }
    }
    // Rounds 0 and 1 ask for the same 36 sets (12 per first object): made in round 0, and again in round 1 for the 4 per first
    // object beyond the 8 kept; round 2's sets hold a fresh object each: all made.
    expect(made).toBe(36 + 3 * 4 + 36);
  });

  it('makes the key when the first field is no object', () => {
    const keys = new FieldKeys();
    let made = 0;
    for (let i = 0; i < 2; i++) expect(keys.key(['ns', 1], () => `${++made}`)).toBe(`${i + 1}`);
  });

  it("keeps the scheduler's keys as their JSON for pods of one template and for equal pods made apart", () => {
    const a = pod('a', { labels: { app: 'x' }, requests: { cpu: 1 }, priority: 5 });
    const copy = { ...a, uid: 'other', name: 'b' };
    const apart = pod('c', { labels: { app: 'x' }, requests: { cpu: 2 }, priority: 5 });
    for (const p of [a, copy, apart]) {
      expect(nodeLocalKey(p)).toBe(
        JSON.stringify([p.requests, p.nodeName, p.nodeSelector, p.requiredNodeAffinity, p.tolerations, p.hostPorts, p.preferredNodeAffinity ?? null]),
      );
      expect(groupKey(p)).toBe(JSON.stringify([p.namespace, p.labels]));
    }
    expect(nodeLocalKey(copy)).toBe(nodeLocalKey(a));
    expect(nodeLocalKey(apart)).not.toBe(nodeLocalKey(a));
  });
});
