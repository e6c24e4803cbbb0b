/** Small helpers shared by the benchmarks: timing, tables, paths. */
import { existsSync, mkdirSync, symlinkSync, cpSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this module whether it runs from bench/ (vitest) or dist-bench/bench/ (compiled). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('bench: cannot find the repository root');
}

/**
 * The compiled copy of src/ under dist-bench/ reads the bundled catalog at ../../data relative to itself, i.e. from
 * dist-bench/data. Point that at the real data directory (a symlink, else a copy) before anything loads the catalog.
 */
export function linkData(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const outRoot = resolve(here, '..');
  const root = repoRoot();
  if (outRoot === root) return;
  const target = join(outRoot, 'data');
  if (existsSync(join(target, 'ec2-instance-types.json'))) return;
  mkdirSync(outRoot, { recursive: true });
  try {
    symlinkSync(join(root, 'data'), target, 'dir');
  } catch {
    cpSync(join(root, 'data'), target, { recursive: true });
  }
}

export function resultsDir(): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function now(): number {
  return performance.now();
}

/** Runs fn once and returns its value with the wall time in milliseconds. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

/**
 * A figure of this machine's speed at the moment: the best of five timings of a fixed loop of 10^8 integer additions on
 * this thread (the first ones run before the loop is optimised, 10 times slower). The project's 2-core machine ran one
 * build's benchmarks up to twice as fast at one hour as at another: the figure is printed beside the timings so that a
 * run is compared with runs made at a like speed (or with another build's, alternating).
 */
export function loopMs(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 5; k++) best = Math.min(best, loopOnce());
  return best;
}

/** Where loopOnce leaves its sum: read by nothing, it keeps the loop from being optimised away. */
let loopSink = 0;

function loopOnce(): number {
  const start = performance.now();
  let s = 0;
  for (let i = 0; i < 100_000_000; i++) s = (s + i) | 0;
  const ms = performance.now() - start;
  loopSink ^= s;
  return ms;
}

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** Peak resident set size of this process so far, in bytes (resourceUsage reports KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Prints a titled two-or-more column table with aligned columns. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((s, c) => s.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}
