/**
 * One pool of kept-alive connections per kubeconfig for the typed API clients. @kubernetes/client-node 1.x builds a new
 * https.Agent for every request (KubeConfig.applySecurityAuthentication), so every request opened its own TCP connection
 * and TLS handshake: measured on the local control plane (bench:live, 10 nodes, a loaded 2-core machine; bench/live-audit.ts
 * over the API server's audit log), the executor's own time between one eviction's answer and the next eviction's arrival
 * was 27 ms at the median with an agent per request, 5 ms with this pool. Here the agent client-node built is swapped for a kept-alive
 * one with the same TLS settings, made once per distinct settings (a rotated client certificate gets its own). Watches
 * (client-node's Watch) keep their own connection, as they should. A kubeconfig with a proxy is left as it is: the proxy
 * agents are client-node's own.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** An idle connection is closed after this long: below kube-apiserver's idle timeout (90 s), so a reused one is open. */
export const IDLE_CONNECTION_MS = 30_000;

const pooledConfigs = new WeakSet<KubeConfig>();

/** Makes every API client of `kc` (made before or after) reuse connections. Idempotent. */
export function poolConnections(kc: KubeConfig): KubeConfig {
  if (pooledConfigs.has(kc)) return kc;
  pooledConfigs.add(kc);
  const agents = new Map<string, http.Agent>();
  const apply = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context) => {
    await apply(context);
    if (kc.getCurrentCluster()?.proxyUrl) return;
    const built = context.getAgent();
    if (built === undefined) return;
    const pooled = pooledAgent(agents, built);
    if (pooled !== null) context.setAgent(pooled);
  };
  return kc;
}

/** The kept-alive agent with the settings of `built` (a per-request agent of client-node), or null for another kind. */
function pooledAgent(agents: Map<string, http.Agent>, built: http.Agent): http.Agent | null {
  if (built instanceof https.Agent) {
    const o = built.options;
    const k = ['https', text(o.ca), text(o.cert), text(o.key), text(o.pfx), String(o.passphrase ?? ''), String(o.rejectUnauthorized ?? ''), String(o.servername ?? '')].join('\u0000');
    let a = agents.get(k);
    if (a === undefined) {
      a = new https.Agent({ ...o, keepAlive: true, timeout: IDLE_CONNECTION_MS });
      agents.set(k, a);
    }
    return a;
  }
  if (built.constructor === http.Agent) {
    let a = agents.get('http');
    if (a === undefined) {
      a = new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
      agents.set('http', a);
    }
    return a;
  }
  return null;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(text).join('\u0001');
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return String(v);
}
