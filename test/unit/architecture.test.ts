/**
 * The folder tree is the architecture: these rules are checked on every import of the source, so a shortcut that breaks
 * them fails the build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

  it('no Math.random and no wall clock in planner, engine or simulator', () => {
    const sources = [...files('src/planner'), ...files('src/engine'), ...files('sim')];
    const bad = sources.filter((f) => /Math\.random|Date\.now|performance\.now|new Date\(/.test(readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });
});
