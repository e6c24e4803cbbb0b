/**
 * `vngshift simulate` runs again in a child process with the node flags it is fastest with (src/cli/relaunch.ts): which
 * invocations relaunch, and, through bin/vngshift.js (test/global-setup.ts builds dist/), that the child has the flags,
 * the output and the exit code reach the caller, and no process relaunches twice.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELAUNCHED_ENV, relaunchFlags, SIMULATE_NODE_FLAGS } from '../../../src/cli/relaunch.js';

describe('relaunchFlags', () => {
  it('relaunches simulate with its flags after the node flags of this process', () => {
    expect(relaunchFlags(['simulate', '--cluster', 'c.yaml'], [], {})).toEqual([...SIMULATE_NODE_FLAGS]);
    expect(relaunchFlags(['simulate'], ['--max-old-space-size=8000'], {})).toEqual(['--max-old-space-size=8000', ...SIMULATE_NODE_FLAGS]);
  });

  it('runs in place: other commands, a relaunched process, a semi-space size already set, a debugger or code on the command line', () => {
    expect(relaunchFlags(['plan', '--cluster', 'c.yaml'], [], {})).toBeNull();
    expect(relaunchFlags(['--version'], [], {})).toBeNull();
    expect(relaunchFlags(['simulate'], [], { [RELAUNCHED_ENV]: '1' })).toBeNull();
    expect(relaunchFlags(['simulate'], ['--max-semi-space-size=32'], {})).toBeNull();
    expect(relaunchFlags(['simulate'], ['--min-semi-space-size=8'], {})).toBeNull();
    expect(relaunchFlags(['simulate'], [], { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16' })).toBeNull();
    expect(relaunchFlags(['simulate'], ['--inspect-brk'], {})).toBeNull();
    expect(relaunchFlags(['simulate'], ['-e', 'x'], {})).toBeNull();
    // NODE_OPTIONS reaches the child: a debugger there would bind in the first process and fail in the second.
    expect(relaunchFlags(['simulate'], [], { NODE_OPTIONS: '--inspect-brk=9339' })).toBeNull();
    // Node reads dashes and underscores alike in its flags.
    expect(relaunchFlags(['simulate'], ['--max_semi_space_size=8'], {})).toBeNull();
    expect(relaunchFlags(['simulate'], [], { NODE_OPTIONS: '--max_semi_space_size=8' })).toBeNull();
  });
});

/**
 * A scratch folder and an environment whose preload appends each node process's pid, parent pid and flags to `log` (one
 * JSON line each, and one for each worker thread, which runs the preload too: its thread id is not 0), with no relaunch
 * marker.
 */
function probed(prefix: string): { dir: string; log: string; env: Record<string, string | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const log = join(dir, 'processes.jsonl');
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, `require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, ppid: process.ppid, execArgv: process.execArgv, thread: require('node:worker_threads').threadId }) + '\\n');\n`);
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
  delete env[RELAUNCHED_ENV];
  return { dir, log, env };
}

describe('bin/vngshift.js simulate', () => {
  interface Probed {
    readonly pid: number;
    readonly ppid: number;
    readonly execArgv: string[];
    readonly thread: number;
  }
  /** Runs the CLI with the probe's preload (probed): the node processes it ran, and their worker threads. */
  function run(args: string[]): { status: number | null; stdout: string; stderr: string; processes: Probed[]; threads: Probed[] } {
    const { log, env } = probed('vngshift-relaunch-');
    const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', env, timeout: 120_000 });
    const all = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Probed);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, processes: all.filter((p) => p.thread === 0), threads: all.filter((p) => p.thread !== 0) };
  }

  it('rehearses in one child that has the flags; its output and exit code are the command\'s', () => {
    const r = run(['simulate', '--cluster', 'examples/cluster.yaml', '--vngs', 'examples/vngs.json', '--force-pod-eviction-on-pdb-failure', '-o', 'json', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('Completed');
    expect(r.processes).toHaveLength(2);
    const [first, second] = r.processes as [(typeof r.processes)[0], (typeof r.processes)[0]];
    expect(first.execArgv).not.toContain(SIMULATE_NODE_FLAGS[0]);
    expect(second.ppid).toBe(first.pid);
    expect(second.execArgv).toEqual(expect.arrayContaining([...SIMULATE_NODE_FLAGS]));
    // The plan made on a thread of the rehearsing process (sim/plan-thread.ts).
    expect(r.threads.map((t) => t.pid)).toEqual([second.pid]);
  });

  it('passes a validation error\'s exit code and message through', () => {
    const r = run(['simulate', '--cluster', 'no-such-cluster.yaml', '--vngs', 'examples/vngs.json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no-such-cluster\.yaml/);
    expect(r.processes).toHaveLength(2);
    expect(r.threads).toHaveLength(0);
  });

  it('ends by the signal that ended the rehearsal, which it passed on (a shell loop stops on Ctrl-C)', async () => {
    const { dir, log, env } = probed('vngshift-relaunch-signal-');
    // A rehearsal of a few seconds: 300 generated nodes.
    const scenario = join(dir, 'long.yaml');
    writeFileSync(
      scenario,
      [
        'apiVersion: vngshift.io/v1alpha1',
        'kind: Scenario',
        'name: long',
        'cluster: { generate: { nodes: 300, pods: 9000 }, seed: 7 }',
        'vngs: { inline: { launchSpecs: [{ name: general, instanceTypes: [m5.large, m5.xlarge], subnetIds: [subnet-a] }], subnetZones: { subnet-a: us-east-1a } } }',
        'expect: { status: Completed }',
        '',
      ].join('\n'),
    );
    const first = spawn(process.execPath, ['bin/vngshift.js', 'simulate', '--scenario', scenario, '--no-progress'], { env, stdio: 'ignore' });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => first.once('exit', (code, signal) => resolve({ code, signal })));
    const pids = async (): Promise<number[]> => {
      for (let i = 0; i < 600; i++) {
        const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
        if (lines.length >= 2) return lines.map((l) => (JSON.parse(l) as { pid: number }).pid);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the rehearsal did not start in a second process');
    };
    const [, child] = (await pids()) as [number, number];
    await new Promise((r) => setTimeout(r, 300));
    first.kill('SIGINT');
    const { code, signal } = await ended;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    // The child got it too and is gone.
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(child, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 60_000);

  it('runs plan in place', () => {
    const r = run(['plan', '--cluster', 'examples/cluster.yaml', '--vngs', 'examples/vngs.json', '--force-pod-eviction-on-pdb-failure', '-o', 'json', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.processes).toHaveLength(1);
    expect(r.threads).toHaveLength(0);
  });
});
