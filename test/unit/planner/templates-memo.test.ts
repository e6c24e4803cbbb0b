import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Vng } from '../../../src/model/types.js';
import { packClasses } from '../../../src/planner/pack/classes.js';
import { buildTemplates, type Templates } from '../../../src/planner/pack/templates.js';
import type { SolveInput } from '../../../src/planner/pack/types.js';
import { packInput, packSpecArb } from '../../arbitraries/index.js';

let freshCount = 0;

/**
 * Templates of `input` built anew: an observed map with one more entry, for a name no instance type has (no template reads
 * it), is content the kept templates do not know.
 */
function fresh(input: SolveInput): Templates {
  freshCount += 1;
  const unread = { capacity: {}, allocatable: {} };
  const again = { ...input, observed: new Map([...input.observed, [`no-such-type-${freshCount}`, unread]]) };
  const { daemonClasses, daemonNameOf } = packClasses(again);
  return buildTemplates(again, daemonClasses, daemonNameOf);
}

function built(input: SolveInput): Templates {
  const { daemonClasses, daemonNameOf } = packClasses(input);
  return buildTemplates(input, daemonClasses, daemonNameOf);
}

/** Templates in a comparable form (plain data: DaemonSets by position, VNGs by name). */
function comparable(t: Templates): unknown {
  return t;
}

/** VNG variants a later solve may see: limits taken off, types and zones left out, and fields a template reads changed. */
const variants: ((v: Vng) => Vng)[] = [
  (v) => ({ ...v, maxInstanceCount: 1, minInstanceCount: 0, maxVCpu: 3 }),
  (v) => ({ ...v, instanceTypes: v.instanceTypes.slice(1), zones: v.zones.slice(1) }),
  (v) => ({ ...v, taints: [...v.taints, { key: 'memo', value: 'x', effect: 'NoSchedule' }] }),
  (v) => ({ ...v, labels: { ...v.labels, memo: 'x' } }),
  (v) => ({ ...v, maxPods: 3 }),
  (v) => ({ ...v, rootVolumeSizeGiB: 7 }),
];

describe('templates kept from one solve to the next', () => {
  it('equal the templates built anew, for the same VNGs and for VNGs that changed', () => {
    fc.assert(
      fc.property(packSpecArb, fc.nat({ max: variants.length - 1 }), (spec, which) => {
        const input = packInput(spec);
        expect(comparable(built(input))).toEqual(comparable(fresh(input)));
        // The second build of the same input comes from the kept templates.
        expect(comparable(built(input))).toEqual(comparable(fresh(input)));
        const change = variants[which] as (v: Vng) => Vng;
        const changed = { ...input, vngs: input.vngs.map(change) };
        expect(comparable(built(changed))).toEqual(comparable(fresh(changed)));
        expect(comparable(built({ ...input, allocatable: { maxPods: 2 } }))).toEqual(comparable(fresh({ ...input, allocatable: { maxPods: 2 } })));
      }),
      { numRuns: 150 },
    );
  });

  it('a kept template node is shared, and a solve whose VNGs differ only in their limits gets the same list', () => {
    const input = packInput(fc.sample(packSpecArb, { numRuns: 1, seed: 7 })[0] as Parameters<typeof packInput>[0]);
    const a = built(input);
    const limited = { ...input, vngs: input.vngs.map((v) => ({ ...v, maxInstanceCount: 0, minInstanceCount: 0, maxVCpu: 1 })) };
    const b = built(limited);
    expect(b).toBe(a);
    expect(b.nodes).toEqual(b.templates.map((t) => t.node));
    b.templates.forEach((t) => expect(limited.vngs.map((v) => v.name)).toContain(t.vngName));
    // A VNG with a type left out is another list; its nodes are still the kept ones.
    const fewer = { ...input, vngs: input.vngs.map((v, i) => (i === 0 ? { ...v, instanceTypes: v.instanceTypes.slice(1) } : v)) };
    const c = built(fewer);
    if (input.vngs[0] !== undefined && input.vngs[0].instanceTypes.length > 0 && a.templates.length > 0) expect(c).not.toBe(a);
    const keptNodes = new Set(a.templates.map((t) => t.node));
    for (const t of c.templates) expect(keptNodes.has(t.node)).toBe(true);
  });

  it('a world with the same observed resources and DaemonSets in new objects (new uids) gets the same list; other DaemonSets another', () => {
    const input = packInput(fc.sample(packSpecArb, { numRuns: 1, seed: 11 })[0] as Parameters<typeof packInput>[0]);
    const a = built(input);
    const daemonSets = input.cluster.daemonSets.map((d, i) => ({ ...d, uid: `other-${i}`, template: { ...d.template } }));
    const same = { ...input, observed: new Map(input.observed), cluster: { ...input.cluster, daemonSets } };
    expect(built(same)).toBe(a);
    const first = input.cluster.daemonSets[0];
    // The drawn world has DaemonSets (else the half below would check nothing).
    expect(first).toBeDefined();
    if (first === undefined) return;
    const heavier = [{ ...first, template: { ...first.template, requests: { ...first.template.requests, cpu: (first.template.requests['cpu'] ?? 0) + 1 } } }, ...input.cluster.daemonSets.slice(1)];
    const other = { ...input, cluster: { ...input.cluster, daemonSets: heavier } };
    const b = built(other);
    expect(b).not.toBe(a);
    expect(comparable(b)).toEqual(comparable(fresh(other)));
  });
});
