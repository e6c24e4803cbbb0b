/**
 * The watch caches against a small fake API server: synced after list + watch, broken (reads refuse with connectivity) when
 * the watch fails, restarted after a delay, and relisted after 410 Gone.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortError } from '../../../src/engine/ports.js';
import { makeContext } from '../../../src/live/context.js';

interface FakeState {
  nodes: string[];
  rv: number;
  /** What the next watch request gets. */
  watch: 'stream' | 'fail' | 'gone';
  lists: number;
  watches: number;
  open: ServerResponse[];
}

function node(name: string, rv: number): unknown {
  return { metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv) }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}

async function fakeApi(st: FakeState): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/nodes') {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      st.lists += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: String(st.rv) }, items: st.nodes.map((n) => node(n, st.rv)) }));
      return;
    }
    st.watches += 1;
    if (st.watch === 'fail') {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 503, message: 'unavailable' }));
      return;
    }
    if (st.watch === 'gone') {
      st.watch = 'stream';
      res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    st.open.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function kubeconfig(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
    currentContext: 'fake',
  });
  return kc;
}

const wait = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('watch caches', () => {
  it('sync, break when the watch fails (reads refuse), restart after a delay, and relist after 410 Gone', async () => {
    const st: FakeState = { nodes: ['a'], rv: 10, watch: 'stream', lists: 0, watches: 0, open: [] };
    const { server, url } = await fakeApi(st);
    const ctx = makeContext(kubeconfig(url), { etiquette: { retries: 0 }, restartDelayMs: 50 });
    cleanup = async () => {
      await ctx.nodes.stop();
      for (const r of st.open) r.destroy();
      await new Promise((r) => server.close(() => r(undefined)));
    };
    expect(() => ctx.nodes.list()).toThrowError(PortError);
    await ctx.nodes.start(3000);
    expect(ctx.nodes.state).toBe('synced');
    expect(ctx.nodes.list().length).toBe(1);

    // A watch event reaches the cache.
    st.rv = 11;
    st.open[0]?.write(JSON.stringify({ type: 'ADDED', object: node('b', 11) }) + '\n');
    await wait('node b in the cache', () => ctx.nodes.list().length === 2);

    // The server ends the watch and then refuses new ones: the cache breaks and reads refuse with connectivity.
    st.watch = 'fail';
    st.open.shift()?.end();
    await wait('cache broken', () => ctx.nodes.state === 'broken');
    try {
      ctx.nodes.list();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PortError);
      expect((e as PortError).kind).toBe('connectivity');
    }

    // The server answers again: the cache restarts by itself. (410 first: it relists.)
    const lists = st.lists;
    st.nodes = ['a', 'b', 'c'];
    st.rv = 20;
    st.watch = 'gone';
    await wait('cache synced again', () => ctx.nodes.state === 'synced' && st.open.length > 0, 8000);
    expect(st.lists).toBeGreaterThan(lists);
    expect(ctx.nodes.list().length).toBe(3);
  });
});
