/**
 * The node flags a chaos worker process is started with (sim/chaos/parallel.ts workerExecArgv): the parent's own flags but
 * those that must not run once per worker, then the workers' V8 flags.
 */
import { describe, expect, it } from 'vitest';
import { watched, WORKER_NODE_FLAGS, workerExecArgv } from '../../../sim/chaos/parallel.js';

describe('workerExecArgv', () => {
  it('keeps the parent flags a run needs and adds the workers own', () => {
    expect(workerExecArgv(['--max-old-space-size=4096', '--import', 'x.js'])).toEqual(['--max-old-space-size=4096', '--import', 'x.js', ...WORKER_NODE_FLAGS]);
    expect(workerExecArgv([])).toEqual([...WORKER_NODE_FLAGS]);
  });

  it('drops code given on the command line (each child would run it again and fork again), with its value', () => {
    expect(workerExecArgv(['-e', 'run()', '--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096', ...WORKER_NODE_FLAGS]);
    expect(workerExecArgv(['--eval', 'run()', '-p', '1', '--print=2', '--eval=3'])).toEqual([...WORKER_NODE_FLAGS]);
  });

  it('drops debuggers and profilers (one port for all children, a child waiting for a debugger, a profile per child)', () => {
    const parent = ['--inspect', '--inspect-brk=9230', '--debug-port=1', '--cpu-prof', '--cpu-prof-dir=/tmp/p', '--heap-prof', '--prof', '--stack-size=2000'];
    expect(workerExecArgv(parent)).toEqual(['--stack-size=2000', ...WORKER_NODE_FLAGS]);
  });

  it('tells a process under a debugger or a profiler (a one-worker sweep then runs in it, where they look)', () => {
    for (const flag of ['--inspect', '--inspect-brk=9230', '--cpu-prof', '--cpu-prof-dir=/tmp/p', '--heap-prof', '--prof']) expect(watched([flag]), flag).toBe(true);
    expect(watched(['--max-old-space-size=4096', '--stack-size=2000', '--profile-deserialization'])).toBe(false);
    expect(watched([])).toBe(false);
  });
});
