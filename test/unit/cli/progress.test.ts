/** The progress reporter's three forms, with a fake clock and stream, and the CLI's progress and log lines on stderr. */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeReporter, reporterMode, type ReporterIo } from '../../../src/cli/progress.js';

function fakeIo(isTTY: boolean): ReporterIo & { text: () => string } {
  let t = Date.UTC(2026, 11, 5, 20, 0, 0);
  let out = '';
  return { write: (s) => void (out += s), isTTY, now: () => (t += 1000), text: () => out };
}

describe('progress reporter', () => {
  it('picks a bar only on a terminal without --no-progress, and JSON lines with --log-format json', () => {
    expect(reporterMode({}, true)).toBe('bar');
    expect(reporterMode({ progress: false }, true)).toBe('lines');
    expect(reporterMode({}, false)).toBe('lines');
    expect(reporterMode({ logFormat: 'json' }, true)).toBe('json');
    expect(() => reporterMode({ logFormat: 'xml' }, false)).toThrow(/unknown format "xml"/);
  });

  it('prints timestamped lines at phase starts and ends, and tenths at least 5 s apart, with elapsed time and ETA from the wall clock', () => {
    let t = Date.UTC(2026, 11, 5, 20, 0, 0);
    let out = '';
    const r = makeReporter('simulate', { progress: false }, { write: (s) => void (out += s), isTTY: false, now: () => t });
    t += 1000;
    r.log('rehearsing');
    // A slow phase: 3 s a batch, so a tenth (2 batches) every 6 s: one line per tenth.
    for (let d = 0; d <= 20; d++) {
      r.step({ phase: 'simulate', done: d, total: 20, unit: 'batches', detail: { virtualSeconds: d * 60 } });
      t += 3000;
    }
    // A quick phase: its start and its end only.
    for (let d = 0; d <= 100; d++) {
      r.step({ phase: 'quick', done: d, total: 100, unit: 'pods' });
      t += 10;
    }
    r.end();
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('2026-12-05T20:00:01Z simulate: rehearsing');
    expect(lines[1]).toBe('2026-12-05T20:00:01Z simulate: simulate 0/20 batches (0%), elapsed 0s, virtualSeconds 0');
    // one line per tenth: 0, 2, 4, ... 20 batches; then the quick phase's two
    expect(lines).toHaveLength(14);
    expect(lines[2]).toBe('2026-12-05T20:00:07Z simulate: simulate 2/20 batches (10%), elapsed 6s, ETA 54s, virtualSeconds 120');
    expect(lines[11]).toMatch(/ simulate 20\/20 batches \(100%\), elapsed 60s, ETA 0s, virtualSeconds 1200$/);
    expect(lines[12]).toMatch(/ simulate: quick 0\/100 pods \(0%\), elapsed 0s$/);
    expect(lines[13]).toMatch(/ simulate: quick 100\/100 pods \(100%\), elapsed 1s, ETA 0s$/);
  });

  it('keeps each phase of two that run side by side to its own start, tenths and elapsed time', () => {
    let t = Date.UTC(2026, 11, 5, 20, 0, 0);
    let out = '';
    const r = makeReporter('simulate', { progress: false }, { write: (s) => void (out += s), isTTY: false, now: () => t });
    // simulate's rehearsal and the plan's expected fleet on its thread: their steps come interleaved, 6 s apart.
    for (let d = 0; d <= 10; d++) {
      r.step({ phase: 'simulate', done: d, total: 10, unit: 'batches' });
      t += 3000;
      if (d <= 4) r.step({ phase: 'expected fleet', done: 2 * d, total: 8, unit: 'batches' });
      t += 3000;
    }
    r.end();
    const lines = out.trimEnd().split('\n');
    const of = (phase: string): string[] => lines.filter((l) => l.includes(`simulate: ${phase} `));
    // Each phase: its start, a line per tenth at least 5 s apart, its end - not a fresh start at every switch.
    expect(of('simulate')).toHaveLength(11);
    expect(of('simulate')[0]).toMatch(/simulate 0\/10 batches \(0%\), elapsed 0s$/);
    expect(of('simulate')[10]).toMatch(/simulate 10\/10 batches \(100%\), elapsed 60s, ETA 0s$/);
    expect(of('expected fleet')).toHaveLength(5);
    expect(of('expected fleet')[0]).toMatch(/expected fleet 0\/8 batches \(0%\), elapsed 0s$/);
    expect(of('expected fleet')[4]).toMatch(/expected fleet 8\/8 batches \(100%\), elapsed 24s, ETA 0s$/);
    // A phase whose count goes back starts again.
    out = '';
    const again = makeReporter('run', { progress: false }, { write: (s) => void (out += s), isTTY: false, now: () => t });
    again.step({ phase: 'pack', done: 0, total: 5, unit: 'pods' });
    again.step({ phase: 'pack', done: 5, total: 5, unit: 'pods' });
    t += 9000;
    again.step({ phase: 'pack', done: 0, total: 5, unit: 'pods' });
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/ run: pack 0\/5 pods \(0%\), elapsed 0s$/);
  });

  it('prints one JSON object per line with --log-format json', () => {
    const io = fakeIo(true);
    const r = makeReporter('chaos', { logFormat: 'json' }, io);
    r.log('3 run(s)', { seed: 1 });
    r.step({ phase: 'sweep', done: 1, total: 3, unit: 'runs', detail: { violations: 0 } });
    r.step({ phase: 'sweep', done: 3, total: 3, unit: 'runs', detail: { violations: 0 } });
    r.end();
    const objs = io.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.map((o) => o['type'])).toEqual(['log', 'progress', 'progress']);
    expect(objs[0]).toMatchObject({ command: 'chaos', message: '3 run(s)', seed: 1, time: '2026-12-05T20:00:01.000Z' });
    expect(objs[2]).toMatchObject({ phase: 'sweep', done: 3, total: 3, unit: 'runs', violations: 0, etaSeconds: 0 });
  });

  it('draws a bar on a (fake) terminal, with the log lines above it', () => {
    let drawn = '';
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          drawn += chunk.toString();
          cb();
        },
      }),
      { isTTY: true, columns: 120, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true },
    );
    const r = makeReporter('plan', {}, { ...fakeIo(true), stream });
    expect(r.mode).toBe('bar');
    r.step({ phase: 'expected fleet', done: 0, total: 8, unit: 'batches' });
    r.log('read 14 node(s)');
    r.step({ phase: 'expected fleet', done: 8, total: 8, unit: 'batches' });
    r.end();
    const atEnd = drawn;
    // A step after the end (a thread's late message) draws nothing: a new bar's timer would keep the process alive.
    r.step({ phase: 'expected fleet', done: 8, total: 8, unit: 'batches' });
    expect(drawn).toBe(atEnd);
    expect(drawn).toContain('read 14 node(s)');
    expect(drawn).toMatch(/plan: expected fleet \[[^\]]*\] 8\/8 batches \| 100%/);
  });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('progress and log lines of the CLI', () => {
  const example = ['--cluster', 'examples/cluster.yaml', '--vngs', 'examples/vngs.json', '--force-pod-eviction-on-pdb-failure'];

  it('plan --no-progress: timestamped lines on stderr, the report alone on stdout', () => {
    const r = cli(['plan', ...example, '--no-progress', '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { verdict: string }).verdict).toBe('FEASIBLE');
    expect(r.err).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ plan: read 14 node\(s\), \d+ pod\(s\); 3 VNG\(s\)$/m);
    expect(r.err).toMatch(/ plan: pack \d+\/\d+ pods \(100%\)/);
    expect(r.err).toMatch(/ plan: expected fleet (\d+)\/\1 batches \(100%\)/);
    expect(r.err).toMatch(/ plan: plan made: FEASIBLE$/m);
  });

  it('simulate -o json: stdout is the same JSON with --log-format json and with --no-progress; stderr is JSON lines', () => {
    const scenario = ['simulate', '--scenario', 'scenarios/technical-timeout.yaml', '-o', 'json'];
    const json = cli([...scenario, '--log-format', 'json']);
    const plain = cli([...scenario, '--no-progress']);
    expect(json.code).toBe(plain.code);
    expect(json.out).toBe(plain.out);
    expect((JSON.parse(json.out) as { status: string }).status).toBe('Failed');
    const lines = json.err.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.every((o) => o['command'] === 'simulate' && typeof o['time'] === 'string')).toBe(true);
    const sim = lines.filter((o) => o['type'] === 'progress' && o['phase'] === 'simulate');
    expect(sim.length).toBeGreaterThan(0);
    expect(sim.every((o) => typeof o['virtualSeconds'] === 'number' && typeof o['total'] === 'number')).toBe(true);
    expect(lines.some((o) => o['type'] === 'log' && String(o['message']).startsWith('rehearsal ended: Failed'))).toBe(true);
    expect(plain.err).toMatch(/ simulate: simulate \d+\/\d+ batches/);
  });
});
