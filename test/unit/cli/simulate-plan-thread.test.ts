/**
 * `vngshift simulate` says on its log when its plan was made in place because the plan's thread failed (a broken install is
 * worth a look), and says nothing of it when the thread made the plan. The threads are the compiled ones
 * (test/global-setup.ts builds dist/; from the TypeScript sources no thread runs), handed to the command in place of the
 * one it would start.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../../src/cli/simulate-command.js';
import type { PlanThread } from '../../../sim/plan-thread.js';

type PlanThreadModule = typeof import('../../../sim/plan-thread.js');
const builtThread = (await import(new URL('../../../dist/sim/plan-thread.js', import.meta.url).href)) as PlanThreadModule;

/** Runs `simulate` on a scenario with the given thread; what it wrote on stderr and stdout, and its exit code. */
async function simulateWith(thread: PlanThread | null): Promise<{ readonly log: string; readonly out: string; readonly code: number }> {
  let log = '';
  let out = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += String(chunk);
    return true;
  });
  const std = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await simulateCommand(() => thread)
      .exitOverride()
      .parseAsync(['--scenario', 'scenarios/chaos-recovers.yaml', '--no-progress'], { from: 'user' });
  } finally {
    err.mockRestore();
    std.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { log, out, code };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('simulate and its plan thread', () => {
  it('logs that the plan was made in place, and why, when its thread failed; the same report as with a thread that made it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vngshift-sim-thread-')), 'no-load.mjs');
    writeFileSync(file, `throw new Error('failed on purpose while loading');\n`);
    const failed = builtThread.startPlanThread(file);
    expect(failed).not.toBeNull();
    await failed?.ended;
    const inPlace = await simulateWith(failed);
    expect(inPlace.log).toContain('the plan was made in this thread: its own thread failed (failed on purpose while loading)');

    const working = builtThread.startPlanThread();
    expect(working).not.toBeNull();
    const beside = await simulateWith(working);
    working?.stop();
    expect(beside.log).not.toContain('the plan was made in this thread');
    expect(beside.log).toContain('rehearsal ended:');
    expect(beside.out).toBe(inPlace.out);
    expect(beside.code).toBe(inPlace.code);
  });

  it('says nothing of a thread where none was started (the plan made in place from the start)', async () => {
    const none = await simulateWith(null);
    expect(none.log).not.toContain('the plan was made in this thread');
    expect(none.log).toContain('rehearsal ended:');
  });
});
