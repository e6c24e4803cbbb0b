/** The API store's pod table: the per-node index, the key order and the listeners follow every add, bind and remove. */
import { describe, expect, it } from 'vitest';
import { PodTable } from '../../../sim/world/pod-table.js';
import type { SimPod } from '../../../sim/world/types.js';
import { simPod } from './sim-pod.js';

const pod = simPod;

describe('PodTable', () => {
  it('indexes pods by node through add, bind, replace and remove', () => {
    const t = new PodTable();
    const a = pod('ns', 'b', 'node-1');
    const b = pod('ns', 'a', null);
    const c = pod('a-x', 'z', 'node-1');
    t.set('ns/b', a).set('ns/a', b).set('a-x/z', c);
    expect(t.podsOn('node-1').map((p) => p.name)).toEqual(['z', 'b']);
    t.bind(b, 'node-1');
    expect(b.nodeName).toBe('node-1');
    expect(t.podsOn('node-1').map((p) => `${p.namespace}/${p.name}`)).toEqual(['a-x/z', 'ns/a', 'ns/b']);
    expect(t.countOn('node-1', (p) => p.phase === 'Running')).toBe(2);
    t.delete('ns/b');
    expect(t.podsOn('node-1').map((p) => p.name)).toEqual(['z', 'a']);
    // A new pod under a key replaces the old one in the index.
    t.set('a-x/z', pod('a-x', 'z', 'node-2'));
    expect(t.podsOn('node-1').map((p) => p.name)).toEqual(['a']);
    expect(t.podsOn('node-2').map((p) => p.name)).toEqual(['z']);
    expect(t.podsOn('node-3')).toEqual([]);
  });

  it('holds a pod from its add until it is removed or replaced under its key, and no other table holds it', () => {
    const t = new PodTable();
    const other = new PodTable();
    const a = pod('ns', 'a', null);
    const b = pod('ns', 'b', null);
    expect(t.holds(a)).toBe(false);
    t.set('ns/a', a).set('ns/b', b);
    expect([t.holds(a), t.holds(b), other.holds(a)]).toEqual([true, true, false]);
    const a2 = pod('ns', 'a', 'node-1');
    t.set('ns/a', a2);
    expect([t.holds(a), t.holds(a2)]).toEqual([false, true]);
    t.delete('ns/b');
    expect(t.holds(b)).toBe(false);
    // Set again under its key, the same pod is held again.
    t.set('ns/b', b);
    expect(t.holds(b)).toBe(true);
    // One table at a time: another table refuses it, and takes it once the first let it go.
    expect(() => other.set('ns/b', b)).toThrow(/held by another table/);
    t.clear();
    expect([t.size, t.holds(a2), t.holds(b), t.podsOn('node-1').length]).toEqual([0, false, false, 0]);
    other.set('ns/b', b);
    expect(other.holds(b)).toBe(true);
  });

  it('keeps the keys in code-unit order across changes and tells listeners', () => {
    const t = new PodTable();
    const seen: string[] = [];
    t.listen({ added: (p) => seen.push(`+${p.name}`), removed: (p) => seen.push(`-${p.name}`) });
    t.set('ns/b', pod('ns', 'b'));
    t.set('a-x/z', pod('a-x', 'z'));
    expect(t.keysInOrder()).toEqual(['a-x/z', 'ns/b']);
    const v = t.version;
    t.set('ns/a', pod('ns', 'a'));
    expect(t.version).toBeGreaterThan(v);
    expect(t.keysInOrder()).toEqual(['a-x/z', 'ns/a', 'ns/b']);
    t.delete('ns/b');
    expect(t.delete('ns/b')).toBe(false);
    expect(t.keysInOrder()).toEqual(['a-x/z', 'ns/a']);
    expect(seen).toEqual(['+b', '+z', '+a', '-b']);
  });

  it('indexes namespaces, labels, uids and wide anti-affinity, and forgets a pod removed', () => {
    const t = new PodTable();
    const wide = { ...pod('ns', 'w'), base: { labels: { app: 'w' }, podAntiAffinity: [{ topologyKey: 'topology.kubernetes.io/zone' }] } as unknown as SimPod['base'] };
    const narrow = { ...pod('ns', 'n'), base: { labels: { app: 'n' }, podAntiAffinity: [{ topologyKey: 'kubernetes.io/hostname' }] } as unknown as SimPod['base'] };
    t.set('ns/w', wide).set('ns/n', narrow).set('other/w', pod('other', 'w'));
    expect([...t.inNamespace('ns')].map((p) => p.name).sort()).toEqual(['n', 'w']);
    expect([...t.withLabel('ns', 'app', 'w')]).toEqual([wide]);
    expect([...t.withLabel('other', 'app', 'w')].map((p) => p.namespace)).toEqual(['other']);
    expect([...t.withWideAntiAffinity()]).toEqual([wide]);
    expect(t.byUidOf('ns-w')).toBe(wide);
    t.delete('ns/w');
    expect([...t.withLabel('ns', 'app', 'w')]).toEqual([]);
    expect([...t.withWideAntiAffinity()]).toEqual([]);
    expect(t.byUidOf('ns-w')).toBeUndefined();
    expect([...t.inNamespace('ns')].map((p) => p.name)).toEqual(['n']);
  });
});
