/**
 * The Dockerfile cannot be built on the test machine (no Docker engine), so its shape is checked here: every stage starts
 * from node:20-slim, every path it copies from the repository exists (and is not hidden by .dockerignore), the build stage
 * gets everything the build and the package need, the final stage runs as a non-root numeric user, and its entrypoint is the
 * package's bin, the command deploy/ and the chaos Indexed Job run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { load as parse } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { chaosJobManifest } from '../../sim/chaos/job.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with their continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      if (m === null) throw new Error(`Dockerfile: cannot read the line ${l}`);
      return { op: (m[1] ?? '').toUpperCase(), args: m[2] ?? '' };
    });
}

function stages(list: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of list) {
    if (i.op === 'FROM') out.push([]);
    const last = out[out.length - 1];
    if (last === undefined) throw new Error(`Dockerfile: ${i.op} before FROM`);
    last.push(i);
  }
  return out;
}

const dockerfile = instructions(readFileSync('Dockerfile', 'utf8'));
const all = stages(dockerfile);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; bin: Record<string, string>; files: string[] };
const buildConfig = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
const ignored = readFileSync('.dockerignore', 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** The sources of a COPY without --from (the last word is the destination). */
function copySources(i: Instruction): string[] {
  const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
  return words.slice(0, -1);
}

describe('Dockerfile', () => {
  it('has a build stage and a final stage, all from node:20-slim', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const s of all) expect(s[0]?.args.split(/\s+/)[0]).toBe('node:20-slim');
  });

  it('copies only paths that exist in the repository and are not ignored', () => {
    const copies = dockerfile.filter((i) => (i.op === 'COPY' || i.op === 'ADD') && !i.args.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      for (const src of copySources(c)) {
        expect(existsSync(src), `${c.op} ${src}`).toBe(true);
        expect(ignored, `${src} is in .dockerignore`).not.toContain(src);
      }
    }
  });

  it('gives the build stage the lock file, the build config, every folder it compiles and every file of the package', () => {
    const build = all[0] ?? [];
    const copied = new Set(build.filter((i) => i.op === 'COPY').flatMap(copySources));
    for (const need of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...buildConfig.include, ...pkg.files.filter((f) => f !== 'dist')]) {
      expect(copied.has(need), need).toBe(true);
    }
    // The final stage copies the tarball the build stage packed under a fixed name.
    const from = (all[all.length - 1] ?? []).filter((i) => i.op === 'COPY' && i.args.includes('--from='));
    expect(from).toHaveLength(1);
    const packed = from[0]?.args.split(/\s+/).filter((w) => !w.startsWith('--'))[0] ?? '';
    const workdir = build.find((i) => i.op === 'WORKDIR')?.args ?? '';
    const tgz = packed.slice(workdir.length + 1);
    expect(packed.startsWith(`${workdir}/`)).toBe(true);
    expect(build.some((i) => i.op === 'RUN' && i.args.includes('npm pack') && i.args.includes(`mv ${pkg.name}-*.tgz ${tgz}`))).toBe(true);
  });

  it('runs as a non-root numeric user in the final stage', () => {
    const users = (all[all.length - 1] ?? []).filter((i) => i.op === 'USER');
    const user = users[users.length - 1]?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
  });

  it('has the package bin as its entrypoint, the command deploy/ and the chaos Job run', () => {
    const final = all[all.length - 1] ?? [];
    const entry = JSON.parse(final.find((i) => i.op === 'ENTRYPOINT')?.args ?? 'null') as string[];
    expect(entry).toEqual(Object.keys(pkg.bin));
    const install = final.find((i) => i.op === 'RUN' && i.args.includes('npm install --global'));
    expect(install).toBeDefined();
    const deployment = parse(readFileSync('deploy/deployment.yaml', 'utf8')) as { spec: { template: { spec: { containers: { command: string[] }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.command).toEqual(entry);
    const job = chaosJobManifest({ name: 'c', namespace: 'n', image: 'i', runs: 4, seed: 1, profile: 'lite', shards: 2, parallelism: 2, workers: 1, shrink: 0 }) as {
      spec: { template: { spec: { containers: { command: string[] }[] } } };
    };
    expect(job.spec.template.spec.containers[0]?.command).toEqual(entry);
  });
});
