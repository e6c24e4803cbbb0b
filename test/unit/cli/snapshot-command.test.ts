/**
 * `vngshift snapshot` through the built CLI: converting a dump, planning and rehearsing from the snapshot exactly as from the
 * dump, reading a (fake) live API server, and refusing bad flags with one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeKubeconfig } from '../../helpers/cli-child.js';
import { startFakeListServer } from '../../helpers/fake-list-server.js';
import { richClusterList, SECRET_MARKERS } from '../model/snapshot/rich-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);

/** A report's JSON with the lines naming the cluster file left out (the source, and the command line that replays it). */
const withoutSource = (json: string): string => json.replace(/\n\s*"cluster": "[^"]*",/, '').replace(/\n\s*"replay": "[^"]*"/, '');

describe('snapshot --cluster', () => {
  it('converts the example; plan from the snapshot is byte for byte plan from the dump (but the source line)', async () => {
    const w = await runCli(['snapshot', '--cluster', 'examples/cluster.yaml', '-o', at('example.json')]);
    expect(w.code, w.err).toBe(0);
    expect(w.err).toMatch(/^vngshift: wrote .*example\.json \(0\.2 MB, 13% of the 1\.4 MB read\): 7 Namespace, 1 StorageClass, 14 Node, 306 Pod/);
    expect(readFileSync(at('example.json'), 'utf8')).toMatch(/^\{"apiVersion":"vngshift\.io\/v2","kind":"ClusterSnapshot","metadata":\{"createdAt":"[0-9T:-]+Z","source":"file cluster\.yaml"/);
    const fromDump = await runCli(['plan', '--cluster', 'examples/cluster.yaml', '--vngs', 'examples/vngs.json', '-o', 'json']);
    const fromSnapshot = await runCli(['plan', '--cluster', at('example.json'), '--vngs', 'examples/vngs.json', '-o', 'json']);
    expect(fromSnapshot.code).toBe(fromDump.code);
    expect(fromSnapshot.out).toContain(`"cluster": "${at('example.json')}"`);
    expect(withoutSource(fromSnapshot.out)).toBe(withoutSource(fromDump.out));
  });

  it('--whole-pods writes every pod whole (vngshift.io/v1): larger, planned alike, and converted back to the shared layout', async () => {
    const shared = await runCli(['snapshot', '--cluster', 'examples/cluster.yaml', '-o', at('shared.json')]);
    const whole = await runCli(['snapshot', '--cluster', 'examples/cluster.yaml', '--whole-pods', '-o', at('whole.json')]);
    expect(whole.code, whole.err).toBe(0);
    const wholeText = readFileSync(at('whole.json'), 'utf8');
    const sharedText = readFileSync(at('shared.json'), 'utf8');
    expect(wholeText).toMatch(/^\{"apiVersion":"vngshift\.io\/v1","kind":"ClusterSnapshot"/);
    expect(wholeText).not.toContain('SharedPodFields');
    expect(sharedText).toContain('"kind":"SharedPodFields"');
    expect(shared.code, shared.err).toBe(0);
    expect(sharedText.length).toBeLessThan(wholeText.length * 0.8);
    const flags = ['--vngs', 'examples/vngs.json', '-o', 'json'];
    const fromWhole = await runCli(['plan', '--cluster', at('whole.json'), ...flags]);
    const fromShared = await runCli(['plan', '--cluster', at('shared.json'), ...flags]);
    expect(fromWhole.code).toBe(fromShared.code);
    expect(withoutSource(fromWhole.out)).toBe(withoutSource(fromShared.out));
    const again = await runCli(['snapshot', '--cluster', at('whole.json'), '-o', '-']);
    const body = (t: string): string => t.slice(t.indexOf('\n'));
    expect(body(again.out)).toBe(body(sharedText));
  });

  it('simulate from the snapshot rehearses the same migration', async () => {
    await runCli(['snapshot', '--cluster', 'test/fixtures/small-cluster.json', '-o', at('small.json')]);
    const flags = ['--vngs', 'test/fixtures/vngs/basic.json', '-o', 'json'];
    const fromDump = await runCli(['simulate', '--cluster', 'test/fixtures/small-cluster.json', ...flags]);
    const fromSnapshot = await runCli(['simulate', '--cluster', at('small.json'), ...flags]);
    expect(fromSnapshot.code).toBe(fromDump.code);
    expect(withoutSource(fromSnapshot.out)).toBe(withoutSource(fromDump.out));
  });

  it('leaves out secrets, says which kinds it left out, and a snapshot of a snapshot is the same objects', async () => {
    writeFileSync(at('rich-dump.json'), JSON.stringify(richClusterList()));
    const w = await runCli(['snapshot', '--cluster', at('rich-dump.json'), '-o', at('rich.json')]);
    expect(w.code, w.err).toBe(0);
    expect(w.err).toContain('skipped 1 ConfigMap, 1 Secret, 1 Service (not written to the snapshot)');
    const text = readFileSync(at('rich.json'), 'utf8');
    for (const marker of SECRET_MARKERS) expect(text).not.toContain(marker);
    const again = await runCli(['snapshot', '--cluster', at('rich.json'), '-o', '-']);
    expect(again.code, again.err).toBe(0);
    const body = (t: string): string => t.slice(t.indexOf('\n'));
    expect(body(again.out)).toBe(body(text));
  });

  it('refuses bad flags and bad input with one line, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['snapshot', '--cluster', 'examples/cluster.yaml'], /flag --output: required/],
      [['snapshot', '-o', at('x.json')], /flag --kubeconfig: required/],
      [['snapshot', '--cluster', 'examples/cluster.yaml', '--kubeconfig', 'k', '-o', at('x.json')], /give either --cluster FILE or --kubeconfig, not both/],
      [['snapshot', '--cluster', 'examples/cluster.yaml', '--context', 'c', '-o', at('x.json')], /flag --context: needs --kubeconfig/],
      [['snapshot', '--kubeconfig', 'k', '--page-size', '0', '-o', at('x.json')], /flag --page-size: expected a whole number/],
      [['snapshot', '--cluster', at('missing.yaml'), '-o', at('x.json')], /missing\.yaml: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
    writeFileSync(at('bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{resources: {requests: {cpu: lots}}}]}\n');
    const bad = await runCli(['snapshot', '--cluster', at('bad.yaml'), '-o', at('bad-out.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Pod default\/p: spec\.containers\[0\]\.resources\.requests\.cpu/);
    expect(() => readFileSync(at('bad-out.json'))).toThrow();
  });
});

describe('snapshot --kubeconfig', () => {
  it('reads the API server page by page from its watch cache, and plans like plan --kubeconfig', async () => {
    const dump = richClusterList() as { items: { kind: string; metadata: { name: string } }[] };
    const byKind = (kind: string): unknown[] => dump.items.filter((o) => o.kind === kind).map(({ kind: _k, ...rest }) => rest);
    const server = await startFakeListServer({
      collections: {
        '/api/v1/nodes': byKind('Node'),
        '/api/v1/pods': byKind('Pod'),
        '/apis/policy/v1/poddisruptionbudgets': byKind('PodDisruptionBudget'),
        '/apis/apps/v1/daemonsets': byKind('DaemonSet'),
        '/apis/apps/v1/replicasets': byKind('ReplicaSet'),
        '/apis/apps/v1/statefulsets': byKind('StatefulSet'),
        '/api/v1/secrets': byKind('Secret'),
      },
    });
    try {
      writeKubeconfig(at('kubeconfig'), server.url);
      const w = await runCli(['snapshot', '--kubeconfig', at('kubeconfig'), '--page-size', '2', '-o', at('live.json')]);
      expect(w.code, w.err).toBe(0);
      expect(w.err).toMatch(/wrote .*live\.json .*: 3 Node, 4 Pod/);
      const pods = server.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query);
      expect(pods[0]).toEqual({ limit: '2', resourceVersion: '0' });
      expect(pods.slice(1).every((q) => q['continue'] !== undefined && q['resourceVersion'] === undefined)).toBe(true);
      expect(server.requests.some((r) => r.path === '/api/v1/secrets')).toBe(false);
      const text = readFileSync(at('live.json'), 'utf8');
      expect(text).toMatch(/"source":"context test"/);
      for (const marker of SECRET_MARKERS) expect(text).not.toContain(marker);
      const flags = ['--vngs', 'examples/vngs.json', '-o', 'json'];
      const live = await runCli(['plan', '--kubeconfig', at('kubeconfig'), ...flags]);
      const fromSnapshot = await runCli(['plan', '--cluster', at('live.json'), ...flags]);
      expect(fromSnapshot.code).toBe(live.code);
      expect(withoutSource(fromSnapshot.out)).toBe(withoutSource(live.out));
    } finally {
      await server.close();
    }
  });
});
