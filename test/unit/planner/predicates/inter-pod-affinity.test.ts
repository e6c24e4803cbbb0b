import { describe, expect, it } from 'vitest';
import { interPodAffinity } from '../../../../src/planner/predicates/inter-pod-affinity.js';
import { affinityTerm, HOSTNAME, sel, verdict, world, ZONE, type NodeInput } from '../../../helpers/sched.js';

const AFFINITY = ["node(s) didn't match pod affinity rules"];
const ANTI = ["node(s) didn't match pod anti-affinity rules"];
const EXISTING_ANTI = ["node(s) didn't satisfy existing pods anti-affinity rules"];
const web = { app: 'web' };
const db = { app: 'db' };

const nodes: NodeInput[] = [
  { name: 'n1', zone: 'a' },
  { name: 'n2', zone: 'a' },
  { name: 'n3', zone: 'b' },
];

describe('InterPodAffinity: required affinity', () => {
  it('passes only where a matching pod runs in the same hostname domain', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db } }],
      incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), HOSTNAME)] }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toBe('pass');
    expect(verdict(w.check(interPodAffinity, 0, 'n2'))).toEqual(AFFINITY);
  });
  it('with a zone key, any node of the zone passes', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db } }],
      incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), ZONE)] }],
    });
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull();
    expect(verdict(w.check(interPodAffinity, 0, 'n3'))).toEqual(AFFINITY);
  });
  it('with no matching pod anywhere, a pod that does not match its own term fails everywhere', () => {
    const w = world({ nodes, incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), HOSTNAME)] }] });
    for (const n of ['n1', 'n2', 'n3']) expect(verdict(w.check(interPodAffinity, 0, n))).toEqual(AFFINITY);
  });
  it('first pod of a group: a pod matching its own term may go anywhere while no matching pod exists', () => {
    const w = world({ nodes, incoming: [{ labels: web, podAffinity: [affinityTerm(sel(web), ZONE)] }] });
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
    w.place(0, 'n1');
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull(); // same zone as the first
    expect(verdict(w.check(interPodAffinity, 0, 'n3'))).toEqual(AFFINITY);
  });
  it('the first-pod rule does not apply once a matching pod exists elsewhere', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n3', pod: { labels: web } }],
      incoming: [{ labels: web, podAffinity: [affinityTerm(sel(web), ZONE)] }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toEqual(AFFINITY);
  });
  it('a node without the topology key fails, even for the first pod of a group', () => {
    const w = world({ nodes: [{ name: 'norack' }], incoming: [{ labels: web, podAffinity: [affinityTerm(sel(web), 'rack')] }] });
    expect(verdict(w.check(interPodAffinity, 0, 'norack'))).toEqual(AFFINITY);
  });
  it('counts pods of the own namespace only, unless namespaces say otherwise', () => {
    const existing = [{ node: 'n1', pod: { labels: db, namespace: 'data' } }];
    const own = world({ nodes, existing, incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), HOSTNAME)] }] });
    expect(verdict(own.check(interPodAffinity, 0, 'n1'))).toEqual(AFFINITY);
    const listed = world({ nodes, existing, incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), HOSTNAME, { namespaces: ['data'] })] }] });
    expect(listed.check(interPodAffinity, 0, 'n1')).toBeNull();
  });
});

describe('InterPodAffinity: several required affinity terms (kube-scheduler counts only pods matching all of them)', () => {
  const tier = { tier: 'backend' };
  const both = { app: 'db', tier: 'backend' };
  const twoTerms = [affinityTerm(sel(db), ZONE), affinityTerm(sel(tier), ZONE)];

  it('two pods matching one term each in the domain do not satisfy the pod', () => {
    const w = world({
      nodes,
      existing: [
        { node: 'n1', pod: { labels: db } },
        { node: 'n2', pod: { labels: tier } },
      ],
      incoming: [{ labels: web, podAffinity: twoTerms }],
    });
    for (const n of ['n1', 'n2', 'n3']) expect(verdict(w.check(interPodAffinity, 0, n))).toEqual(AFFINITY);
  });
  it('one pod matching all the terms in the domain satisfies the pod', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: both } }],
      incoming: [{ labels: web, podAffinity: twoTerms }],
    });
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull(); // same zone a
    expect(verdict(w.check(interPodAffinity, 0, 'n3'))).toEqual(AFFINITY);
  });
  it('with different topology keys, each term looks for a pod matching all terms in its own domain', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: both } }],
      incoming: [{ labels: web, podAffinity: [affinityTerm(sel(db), ZONE), affinityTerm(sel(tier), HOSTNAME)] }],
    });
    expect(w.check(interPodAffinity, 0, 'n1')).toBeNull();
    expect(verdict(w.check(interPodAffinity, 0, 'n2'))).toEqual(AFFINITY); // zone a has it, host n2 does not
  });
  it('the first-pod rule applies when pods match some terms but none matches all, and the pod matches all itself', () => {
    const self = { app: 'db', tier: 'backend' };
    const w = world({
      nodes,
      existing: [{ node: 'n3', pod: { labels: db } }],
      incoming: [{ labels: self, podAffinity: twoTerms }],
    });
    expect(w.check(interPodAffinity, 0, 'n1')).toBeNull();
    w.place(0, 'n1');
    // Now a pod matches all the terms: the group must join it in zone a.
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull();
    expect(verdict(w.check(interPodAffinity, 0, 'n3'))).toEqual(AFFINITY);
  });
  it('the first-pod rule does not apply to a pod matching only some of its own terms', () => {
    const w = world({ nodes, incoming: [{ labels: db, podAffinity: twoTerms }] });
    for (const n of ['n1', 'n2', 'n3']) expect(verdict(w.check(interPodAffinity, 0, n))).toEqual(AFFINITY);
  });
  it('a pod matching all terms on a node without any of the topology keys does not end the first-pod rule', () => {
    const w = world({
      nodes: [...nodes, { name: 'nozone' }],
      existing: [{ node: 'nozone', pod: { labels: both } }],
      incoming: [{ labels: both, podAffinity: twoTerms }],
    });
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
  });
  it('removing the only pod that matches all terms brings the first-pod rule back', () => {
    const w = world({ nodes, incoming: [{ labels: both, podAffinity: twoTerms }] });
    w.place(0, 'n1');
    expect(verdict(w.check(interPodAffinity, 0, 'n3'))).toEqual(AFFINITY);
    const cls = w.classes[0];
    if (!cls) throw new Error('no class');
    w.ctx.countPod(cls, w.node('n1'), -1);
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
  });
});

describe('InterPodAffinity: anti-affinity of the incoming pod', () => {
  const incoming = [{ labels: web, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] }];
  it('fails a node that runs a matching pod', () => {
    const w = world({ nodes, existing: [{ node: 'n1', pod: { labels: web } }], incoming });
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toEqual(ANTI);
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull();
  });
  it('counts placed pods of its own class', () => {
    const w = world({ nodes, incoming });
    expect(w.check(interPodAffinity, 0, 'n1')).toBeNull();
    w.place(0, 'n1');
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toEqual(ANTI);
  });
  it('a zone key excludes the whole zone', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db } }],
      incoming: [{ labels: web, podAntiAffinity: [affinityTerm(sel(db), ZONE)] }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n2'))).toEqual(ANTI);
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
  });
  it('a node without the topology key cannot violate the term', () => {
    const w = world({
      nodes: [{ name: 'r1', labels: { rack: 'r' } }, { name: 'plain' }],
      existing: [{ node: 'r1', pod: { labels: db } }, { node: 'plain', pod: { labels: db } }],
      incoming: [{ labels: web, podAntiAffinity: [affinityTerm(sel(db), 'rack')] }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'r1'))).toEqual(ANTI);
    expect(w.check(interPodAffinity, 0, 'plain')).toBeNull();
  });
  it('a null label selector selects no pod', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: web } }],
      incoming: [{ labels: web, podAntiAffinity: [affinityTerm(null, HOSTNAME)] }],
    });
    expect(w.check(interPodAffinity, 0, 'n1')).toBeNull();
  });
  it('namespaceSelector: matching labels, the empty selector (all namespaces), and a non-matching one', () => {
    const cluster = { namespaces: [{ name: 'data', labels: { team: 'data' } }] };
    const existing = [{ node: 'n1', pod: { labels: db, namespace: 'data' } }];
    const anti = (nsSel: ReturnType<typeof sel>) => [
      { labels: web, namespace: 'web', podAntiAffinity: [affinityTerm(sel(db), HOSTNAME, { namespaceSelector: nsSel })] },
    ];
    expect(verdict(world({ nodes, existing, cluster, incoming: anti(sel({ team: 'data' })) }).check(interPodAffinity, 0, 'n1'))).toEqual(ANTI);
    expect(verdict(world({ nodes, existing, cluster, incoming: anti(sel()) }).check(interPodAffinity, 0, 'n1'))).toEqual(ANTI);
    expect(world({ nodes, existing, cluster, incoming: anti(sel({ team: 'other' })) }).check(interPodAffinity, 0, 'n1')).toBeNull();
  });
  it('namespaces list and namespaceSelector are ORed', () => {
    const cluster = { namespaces: [{ name: 'data', labels: { team: 'data' } }] };
    const existing = [{ node: 'n1', pod: { labels: db, namespace: 'data' } }];
    const incoming = [
      {
        labels: web,
        namespace: 'web',
        podAntiAffinity: [affinityTerm(sel(db), HOSTNAME, { namespaces: ['data'], namespaceSelector: sel({ team: 'nobody' }) })],
      },
    ];
    expect(verdict(world({ nodes, existing, cluster, incoming }).check(interPodAffinity, 0, 'n1'))).toEqual(ANTI);
  });
});

describe('InterPodAffinity: anti-affinity of existing pods', () => {
  it("fails a node whose pods' anti-affinity selects the incoming pod", () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] } }],
      incoming: [{ labels: web }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toEqual(EXISTING_ANTI);
    expect(w.check(interPodAffinity, 0, 'n2')).toBeNull();
  });
  it('with a zone key, the whole zone of the existing pod', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db, podAntiAffinity: [affinityTerm(sel(web), ZONE)] } }],
      incoming: [{ labels: web }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n2'))).toEqual(EXISTING_ANTI);
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
  });
  it("the existing pod's term applies in the existing pod's namespace", () => {
    const existing = [{ node: 'n1', pod: { labels: db, namespace: 'data', podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] } }];
    expect(world({ nodes, existing, incoming: [{ labels: web, namespace: 'web' }] }).check(interPodAffinity, 0, 'n1')).toBeNull();
    expect(verdict(world({ nodes, existing, incoming: [{ labels: web, namespace: 'data' }] }).check(interPodAffinity, 0, 'n1'))).toEqual(
      EXISTING_ANTI,
    );
  });
  it('a pod that the term does not select is unaffected', () => {
    const w = world({
      nodes,
      existing: [{ node: 'n1', pod: { labels: db, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] } }],
      incoming: [{ labels: { app: 'api' } }],
    });
    expect(w.check(interPodAffinity, 0, 'n1')).toBeNull();
  });
});

describe('InterPodAffinity: which reason wins', () => {
  it('reports affinity before anti-affinity before existing anti-affinity, as kube-scheduler checks them', () => {
    const w = world({
      nodes,
      existing: [
        { node: 'n1', pod: { labels: web, podAntiAffinity: [affinityTerm(sel({ app: 'api' }), HOSTNAME)] } },
        { node: 'n3', pod: { labels: db } },
      ],
      incoming: [
        {
          labels: { app: 'api' },
          podAffinity: [affinityTerm(sel(db), HOSTNAME)],
          podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)],
        },
        { labels: { app: 'api' }, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] },
      ],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'n1'))).toEqual(AFFINITY);
    expect(verdict(w.check(interPodAffinity, 1, 'n1'))).toEqual(ANTI);
    expect(w.check(interPodAffinity, 0, 'n3')).toBeNull();
  });
});

describe('InterPodAffinity: VNG templates', () => {
  const templates = [{ name: 'g/m5.large/a', zone: 'a' }];
  it('the first pod of a hostname affinity group may open a new node', () => {
    const w = world({ nodes, templates, incoming: [{ labels: web, podAffinity: [affinityTerm(sel(web), HOSTNAME)] }] });
    expect(w.check(interPodAffinity, 0, 'g/m5.large/a')).toBeNull();
    w.place(0, 'n1');
    expect(verdict(w.check(interPodAffinity, 0, 'g/m5.large/a'))).toEqual(AFFINITY);
  });
  it('a new node holds no pod yet: hostname anti-affinity passes there', () => {
    const w = world({
      nodes,
      templates,
      existing: [{ node: 'n1', pod: { labels: web, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] } }],
      incoming: [{ labels: web, podAntiAffinity: [affinityTerm(sel(web), HOSTNAME)] }],
    });
    expect(w.check(interPodAffinity, 0, 'g/m5.large/a')).toBeNull();
  });
  it('a zone key on a template uses the template zone', () => {
    const w = world({
      nodes,
      templates,
      existing: [{ node: 'n1', pod: { labels: db } }],
      incoming: [{ labels: web, podAntiAffinity: [affinityTerm(sel(db), ZONE)] }],
    });
    expect(verdict(w.check(interPodAffinity, 0, 'g/m5.large/a'))).toEqual(ANTI);
  });
});

