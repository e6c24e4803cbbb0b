/**
 * Issue 10: `run` refuses a plan that predicts a failure unless --allow-predicted-failure is given, exactly as it refuses an
 * infeasible plan without --allow-infeasible: exit 2, nothing changed in the cluster. The kubeconfig points at a local HTTP
 * server that has no migration state (404 for every read) and records every request's method, so a write would show.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/cli/run-command.js';
import { runCli, writeKubeconfig } from '../helpers/cli-child.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-run-refusal-'));
let server: Server;
const methods: string[] = [];
let kubeconfig = '';
const VNGS = 'test/fixtures/plan/vngs-general.json';
const CLUSTER = 'test/fixtures/plan/two-nodes-gpu-missing.yaml';

beforeAll(async () => {
  server = createServer((req, res) => {
    methods.push(req.method ?? '?');
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', message: 'not found', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeconfig = join(dir, 'kubeconfig');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeKubeconfig(kubeconfig, url);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const cli = runCli;

describe('run refuses a plan with a predicted failure', () => {
  it('exit 2, the refusal and the override on stderr, the predicted failure on stdout, and no write reached the cluster', async () => {
    methods.length = 0;
    const r = await cli(['run', '--kubeconfig', kubeconfig, '--cluster', CLUSTER, '--vngs', VNGS, '--node-names', 'old-a']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('vngshift: refusing to start: the plan predicts a failure (FAILURE PREDICTED:');
    expect(r.err).toContain('--allow-predicted-failure runs it anyway');
    expect(r.out).toContain('Predicted failure: TechnicalTimeout');
    expect(methods.length).toBeGreaterThan(0); // the persisted state was looked for
    expect(methods.filter((m) => m !== 'GET')).toEqual([]);
  });

  it('--allow-infeasible does not stand in for --allow-predicted-failure', async () => {
    const r = await cli(['run', '--kubeconfig', kubeconfig, '--cluster', CLUSTER, '--vngs', VNGS, '--node-names', 'old-a', '--allow-infeasible']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--allow-predicted-failure runs it anyway');
  });

  it('--allow-predicted-failure gets past the refusal (the run then goes on to the cluster)', async () => {
    const r = await cli(['run', '--kubeconfig', kubeconfig, '--cluster', CLUSTER, '--vngs', VNGS, '--node-names', 'old-a', '--allow-predicted-failure']);
    expect(r.err).not.toContain('refusing to start');
    expect(r.out + r.err).toContain('starting anyway (--allow-predicted-failure)');
  });
});

describe('refusalOf', () => {
  const plan = (verdict: 'FEASIBLE' | 'FAILURE_PREDICTED' | 'NOT_FEASIBLE', oldNodes = 1) => ({
    verdict,
    oldNodes: Array.from({ length: oldNodes }, (_, i) => ({ name: `n${i}`, instanceType: null, zone: null, instanceId: null })),
    predictedFailure: verdict === 'FEASIBLE' ? null : { code: 'TechnicalTimeout' as const, batch: 1, message: '', why: '', remedy: '', objects: [] },
    summary: { movingPods: 3, unschedulablePods: verdict === 'NOT_FEASIBLE' ? 1 : 0 },
  });
  it('each verdict needs its own override; a plan that moves nothing is refused whatever the flags', () => {
    expect(refusalOf(plan('FEASIBLE'), {})).toBeNull();
    expect(refusalOf(plan('FAILURE_PREDICTED'), {})).toMatch(/--allow-predicted-failure/);
    expect(refusalOf(plan('FAILURE_PREDICTED'), { allowPredictedFailure: true })).toBeNull();
    expect(refusalOf(plan('NOT_FEASIBLE'), {})).toMatch(/--allow-infeasible/);
    expect(refusalOf(plan('NOT_FEASIBLE'), { allowInfeasible: true })).toBeNull();
    expect(refusalOf(plan('NOT_FEASIBLE'), { allowPredictedFailure: true })).toMatch(/--allow-infeasible/);
    expect(refusalOf(plan('FEASIBLE', 0), { allowInfeasible: true, allowPredictedFailure: true })).toBe('no old node matches the selection');
  });
});
