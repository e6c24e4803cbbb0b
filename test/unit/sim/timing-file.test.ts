import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientRateFrom } from '../../../src/cli/client-rate.js';
import { InputError } from '../../../src/model/errors.js';
import { KWOK_SIM_TIMING, loadTiming, parseTimingText } from '../../../sim/timing-file.js';
import { resolveTiming } from '../../../sim/timing.js';

const head = 'apiVersion: vngshift.io/v1alpha1\nkind: TimingModel\n';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('timing files', () => {
  it('reads the figures and the spread (YAML or JSON)', () => {
    const t = parseTimingText(`${head}timing:\n  apiLatencySeconds: 0.004\n  clientQps: 50\nspread: 0.2\nfit: {batches: 3}\n`, 't.yaml');
    expect(t).toEqual({ source: 't.yaml', timing: { apiLatencySeconds: 0.004, clientQps: 50 }, spread: 0.2 });
    const j = parseTimingText(JSON.stringify({ apiVersion: 'vngshift.io/v1alpha1', kind: 'TimingModel', source: 'calibrate', timing: { podStartSeconds: 3 } }), 't.json');
    expect(j).toEqual({ source: 'calibrate', timing: { podStartSeconds: 3 }, spread: null });
  });

  it('names the file, the object and the field of bad input', () => {
    expect(errorOf(() => parseTimingText(`${head}timing:\n  podStartSecs: 3\n`, 't.yaml'))).toMatch(/^t\.yaml: TimingModel: timing: unknown field\(s\) podStartSecs; expected any of apiLatencySeconds, /);
    expect(errorOf(() => parseTimingText(`${head}timing:\n  podStartSeconds: -1\n`, 't.yaml'))).toMatch(/^t\.yaml: TimingModel: timing\.podStartSeconds: /);
    expect(errorOf(() => parseTimingText(`${head}timing:\n  clientQps: 0\n`, 't.yaml'))).toBe('t.yaml: TimingModel: timing.clientQps: must be > 0, found 0');
    expect(errorOf(() => parseTimingText(`apiVersion: v1\nkind: TimingModel\ntiming: {}\n`, 't.yaml'))).toBe('t.yaml: TimingModel: apiVersion: expected vngshift.io/v1alpha1');
    expect(errorOf(() => parseTimingText(`${head}timing: {}\nspread: 1.5\n`, 't.yaml'))).toMatch(/^t\.yaml: TimingModel: spread: /);
    expect(errorOf(() => loadTiming(join(tmpdir(), 'no-such-timing-file.json')))).toMatch(/^flag --timing: .*no such file/);
  });

  it('knows the built-in models, and reads a file by name', () => {
    expect(loadTiming('eks').timing).toEqual({});
    expect(loadTiming('kwok').timing).toEqual(KWOK_SIM_TIMING);
    const dir = mkdtempSync(join(tmpdir(), 'timing-'));
    const file = join(dir, 'cal.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'vngshift.io/v1alpha1', kind: 'TimingModel', timing: { clientBurst: 7 } }));
    expect(loadTiming(file).timing).toEqual({ clientBurst: 7 });
  });

  it('the rehearsal rejects a rate limit it cannot run', () => {
    expect(() => resolveTiming({ clientBurst: 0.5 })).toThrow(/clientBurst must be >= 1/);
    expect(resolveTiming({}).clientQps).toBe(20);
    expect(resolveTiming({}).clientBurst).toBe(40);
  });
});

describe('run --qps/--burst', () => {
  it('defaults to 20/40 and refuses what a token bucket cannot be', () => {
    expect(clientRateFrom({})).toEqual({ qps: 20, burst: 40 });
    expect(clientRateFrom({ qps: '5.5', burst: '10' })).toEqual({ qps: 5.5, burst: 10 });
    expect(errorOf(() => clientRateFrom({ qps: '0' }))).toMatch(/^flag --qps: expected requests per second above 0/);
    expect(errorOf(() => clientRateFrom({ qps: 'fast' }))).toMatch(/^flag --qps: /);
    expect(errorOf(() => clientRateFrom({ burst: '2.5' }))).toMatch(/^flag --burst: expected a whole number/);
  });
});
