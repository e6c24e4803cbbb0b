/** The lines `vngshift run` logs for the old nodes a Failed migration gives back, or cannot. */
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/run-command.js';

describe('run progress lines after a failure', () => {
  it('names each node uncordoned because the migration failed before its batch', () => {
    expect(progressLine({ t: 0, kind: 'node.uncordoned', object: 'Node old-b', detail: { reason: 'migration failed' } }, 3)).toBe(
      'Node old-b uncordoned: cordoned at the start, its batch never started (migration failed)',
    );
  });

  it('stays silent for the uncordons of a stop (one line per status change already says it)', () => {
    expect(progressLine({ t: 0, kind: 'node.uncordoned', object: 'Node old-b' }, 3)).toBeNull();
  });

  it('names a node left cordoned, with the API error and the command that gives it back', () => {
    const ev = { t: 0, kind: 'node.uncordon-failed', object: 'Node old-c', detail: { reason: 'migration failed', error: 'forbidden', message: 'nodes is forbidden' } };
    expect(progressLine(ev, 3)).toBe('could not uncordon Node old-c (forbidden: nodes is forbidden): it stays cordoned; kubectl uncordon old-c');
  });
});

describe('run progress lines of cordonAllAtStart', () => {
  it("says how many old nodes were cordoned at the start: all of them (own engine), those of the later batches (Ocean)", () => {
    expect(progressLine({ t: 0, kind: 'migration.cordoned-all', object: 'Migration m', detail: { nodes: 4 } }, 3)).toBe(
      'all 4 selected old node(s) cordoned at the start (cordonAllAtStart); pods are evicted batch by batch',
    );
    expect(progressLine({ t: 0, kind: 'migration.cordoned-all', object: 'Migration m', detail: { nodes: 2, laterBatches: true } }, 3)).toBe(
      "2 old node(s) of the later batches cordoned at the start (cordonAllAtStart; Ocean cordons each batch's own)",
    );
  });
});
