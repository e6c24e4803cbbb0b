/**
 * The built CLI on a partial migration (--node-names) of a cluster with a Pending pod elsewhere that no VNG fits: plan
 * says feasible and lists the pod as context, simulate rehearses to Completed (exit 0). The cluster comes on stdin.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const FIXTURE = readFileSync('test/fixtures/plan/two-nodes-gpu-missing.yaml', 'utf8');

/** A Job's Pending pod that asks for a node label no VNG and no node has. */
const PENDING = `---
apiVersion: v1
kind: Pod
metadata:
  name: nightly-train-x7k2p
  namespace: ml
  uid: uid-nightly-train-x7k2p
  ownerReferences:
  - apiVersion: batch/v1
    kind: Job
    name: nightly-train
    uid: job-nightly-train
    controller: true
spec:
  nodeSelector:
    accelerator: nvidia-h100
  containers:
  - name: main
    image: example/train
    resources:
      requests:
        cpu: 500m
        memory: 1Gi
status:
  phase: Pending
`;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', input: `${FIXTURE}\n${PENDING}`, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FLAGS = ['--cluster', '-', '--vngs', 'test/fixtures/plan/vngs-general.json', '--no-respect-pdb', '--node-names', 'old-a'];

describe('a partial migration with a Pending pod elsewhere that no VNG fits, through the CLI', () => {
  it('plan: feasible, no predicted failure, the pod listed as context in JSON and text', () => {
    const r = cli(['plan', ...FLAGS, '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as { feasible: boolean; predictedFailure: unknown; pendingElsewhere: { namespace: string; name: string; owner: string; fitsVng: boolean }[] };
    expect(plan.feasible).toBe(true);
    expect(plan.predictedFailure).toBeNull();
    expect(plan.pendingElsewhere).toMatchObject([{ namespace: 'ml', name: 'nightly-train-x7k2p', owner: 'Job/nightly-train', fitsVng: false }]);
    const text = cli(['plan', ...FLAGS]);
    expect(text.out).toContain('Pending pods elsewhere (context: not moved by this migration, not in the verdict)');
    expect(text.out).toContain('ml/nightly-train-x7k2p');
  });

  it('simulate: the rehearsal completes (exit 0) with no capacity trouble, and the pod is left unscheduled', () => {
    const r = cli(['simulate', ...FLAGS, '--seed', '9', '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    const sim = JSON.parse(r.out) as { status: string; unscheduledPods: string[]; events: { kind: string }[]; plan: { feasible: boolean; pendingElsewhere: number } };
    expect(sim.status).toBe('Completed');
    // The simulated autoscaler calls the pod unplaceable; the engine does not count it as capacity trouble.
    expect(sim.events.map((e) => e.kind)).not.toContain('capacity.trouble');
    expect(sim.unscheduledPods).toEqual(['ml/nightly-train-x7k2p']);
    expect(sim.plan).toMatchObject({ feasible: true, pendingElsewhere: 1 });
  });
});
