/** Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, largest first. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Top `limit` functions by self time of the newest .cpuprofile in `dir`; paths shown relative to `root`. */
export function summariseProfile(dir: string, root: string, limit = 15): HotFunction[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const file = files[files.length - 1];
  if (file === undefined) return [];
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const agg = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const url = n.callFrame.url.startsWith('file://') ? relative(root, new URL(n.callFrame.url).pathname) : n.callFrame.url;
    const name = n.callFrame.functionName || '(anonymous)';
    const where = url ? `${url}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const e = agg.get(key);
    if (e) e.us += us;
    else agg.set(key, { name, where, us });
  }
  return [...agg.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, share: total > 0 ? e.us / total : 0 }));
}
