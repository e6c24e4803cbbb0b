/**
 * The folder tree is the architecture: these rules are checked on every import of the source, so a shortcut that breaks
 * them fails the build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}

function offending(dir: string, bad: (spec: string) => boolean): string[] {
  return files(dir).flatMap((f) => imports(f).filter(bad).map((spec) => `${f} imports ${spec}`));
}

/** The source files a file imports (relative specifiers, type-only imports included), as paths. */
function localImports(file: string): string[] {
  return imports(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))));
}

/** Import cycles among the files of these folders, each as its files in import order. */
function cycles(dirs: readonly string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of dirs.flatMap(files)) graph.set(normalize(f), localImports(f));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      if (!graph.has(g)) continue;
      if (state.get(g) === 'open') found.push([...path.slice(path.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return found;
}

describe('architecture', () => {
  it('the engine talks only to its ports: no simulator, no adapter, no CLI, no I/O', () => {
    expect(offending('src/engine', (s) => /sim\/|\/live\/|\/cli\/|^node:/.test(s))).toEqual([]);
  });

  it('the planner is pure: no engine, simulator, adapter, CLI or I/O module', () => {
    expect(offending('src/planner', (s) => /\/engine\/|sim\/|\/live\/|\/cli\/|^node:/.test(s))).toEqual([]);
  });

  it('the model depends on nothing above it (the VNG parser resolves types against the catalog)', () => {
    expect(offending('src/model', (s) => /\/(planner|engine|cli|report)\/|sim\//.test(s))).toEqual([]);
  });

  it("the world's scheduler is its own: sim/scheduler shares the model but imports nothing of the planner", () => {
    expect(offending('sim/scheduler', (s) => /\/planner\//.test(s))).toEqual([]);
  });

  it('no import cycles in the source or the simulator (type-only imports count)', () => {
    expect(cycles(['src', 'sim'])).toEqual([]);
  });

  it("the world's parts (sim/world) import no other part: only the shared types, the API store (and its pod table, pod views and their framed map), the scheduler seam, the pending pods' queue order and the scheduling queue", () => {
    const shared = /^\.\/(types|api-store|pod-table|pod-views|framed-map|scheduler-seam|pending-order|scheduling-queue)\.js$/;
    expect(offending('sim/world', (s) => s.startsWith('./') && !shared.test(s))).toEqual([]);
  });

  it("the world schedules with its own kube-scheduler: no file of the simulator uses the planner's IncrementalScheduler, and the scheduler part imports nothing of the planner", () => {
    const users = files('sim').filter((f) => imports(f).some((s) => /\/planner\/incremental-scheduler\.js$/.test(s)));
    expect(users.map((f) => normalize(f))).toEqual([]);
    const part = imports('sim/world/scheduler-part.ts');
    expect(part).toContain('../scheduler/schedule-one.js');
    expect(part.filter((s) => s.includes('/planner/'))).toEqual([]);
  });

  it('no Math.random and no wall clock in planner, engine or simulator', () => {
    const sources = [...files('src/planner'), ...files('src/engine'), ...files('sim')];
    const bad = sources.filter((f) => /Math\.random|Date\.now|performance\.now|new Date\(/.test(readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });
});
