/**
 * A contract emulator of the parts of the Spot API vngshift uses, an HTTP server on 127.0.0.1 for tests. Paths, the
 * envelope and the error body follow Spot's SDKs (spotinst-sdk-go: service/ocean/providers/aws cluster.go ReadCluster,
 * launchspec.go ListLaunchSpecs, spotinst/client/response.go for `{request: {id}, response: {status, errors}}`):
 *
 *   GET /ocean/aws/k8s/cluster/{oceanClusterId}          -> items: [cluster]
 *   GET /ocean/aws/k8s/launchSpec?oceanId={id}            -> items: launch specs of the cluster
 *   GET /ocean/aws/k8s/cluster/{id}/migration/discovery?shouldFetchPods=false
 *                                                         -> items: one per node of the fixture's `nodes`: {instanceId,
 *                                                            k8sNodeName, instanceType, launchSpecId, runningPods,
 *                                                            podDetails when shouldFetchPods=true}; the VNG by
 *                                                            suggestedVng() below (the path and query parameter from
 *                                                            spotinst-sdk-python get_migration_discovery; the VNG rule from
 *                                                            Spot's documentation; the field names are guesses, as the
 *                                                            client's, src/live/spot/discovery.ts)
 *
 * Every request needs `Authorization: Bearer <token>` (else 401) and, when the emulator has an account, `accountId` equal
 * to it (else 403). An unknown cluster is a 400 with error code CLUSTER_DOES_NOT_EXIST (the emulator's choice: the public
 * SDKs do not show the code). `fail()` makes the next requests to a path answer with a given status and error code
 * (429 throttling, 5xx). Requests are recorded for the tests to assert on.
 *
 * Ocean's Workload Migration API (spotinst-sdk-python clients/ocean create_migration, get_migration_status,
 * get_all_migrations_summary, stop_migration and models/ocean/aws Migration; spotinst-sdk-go service/ocean/providers/aws
 * migrationstatus.go and migrationsummary.go):
 *
 *   POST /ocean/aws/k8s/cluster/{id}/migration                 {"migration": {instanceIds, batchSizePercentage, ...}}
 *                                                              -> items: [{id, oceanId, state, createdAt}]
 *   GET  /ocean/aws/k8s/cluster/{id}/migration/{migrationId}   -> items: [status] (Id, oceanId, status, old/newInstances,
 *                                                                 unscheduledPodIds, newUnscheduledPodIds, migrationConfig,
 *                                                                 createdAt, erroredAt, stoppedAt, completedAt, errorMessage)
 *   GET  /ocean/aws/k8s/cluster/{id}/migration                 -> items: [{Id, state, createdAt, completedAt}]
 *   PUT  /ocean/aws/k8s/cluster/{id}/migration/{migrationId}   {"migration": {"state": "STOPPED", shouldTerminateDrainedNodes}}
 *
 * A migration is performed by a pluggable MigrationWorld (`world` option): `scriptedWorld()` below for unit tests (its
 * statuses advance one step per status read of that migration; summaries and the create's check of a migration still
 * running use the status last read; a failure can be injected), or one that acts on a cluster (test/e2e). What
 * the public SDKs do not show is the emulator's choice, as vngshift's client assumes it (src/live/spot/migration.ts):
 * the create answer's `id`; status values Running, Stopping, Stopped, Completed, Failed; instance states of old instances
 * Waiting, Cordoned, Drained, Terminated, Uncordoned, of new ones Pending, Running; the failure text in `errorMessage`;
 * unscheduledPodIds as a comma-separated string (the Go SDK types it as a string); a stop body whose state is not
 * `STOPPED` (the value Spot's guide documents) is a 400 INVALID_MIGRATION_STATE; a create while another migration of the
 * cluster runs is a 400 MIGRATION_ALREADY_RUNNING; a create whose body is not a migration a 400 INVALID_MIGRATION_PARAMETERS naming the field;
 * an unknown migration a 400 MIGRATION_DOES_NOT_EXIST. A stop of a migration that has ended changes nothing (200).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OceanClusterFixture {
  readonly cluster: Record<string, unknown>;
  readonly launchSpecs: readonly Record<string, unknown>[];
  /** The nodes Ocean's migration discovery lists (a function: read at each request, e.g. from a live cluster). */
  readonly nodes?: readonly EmulatedNode[] | (() => readonly EmulatedNode[]);
}

/** A node of the emulated Kubernetes cluster, as Ocean's discovery sees it. */
export interface EmulatedNode {
  readonly instanceId: string;
  readonly name: string;
  readonly instanceType?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  readonly pods?: readonly string[];
}

/** Labels and taints Kubernetes, EKS and eksctl put on every node: not the node's own for the discovery's match. */
const WELL_KNOWN = /^([a-z0-9.-]*\.)?(kubernetes\.io|k8s\.io)\/|^(eks\.amazonaws\.com|alpha\.eksctl\.io|karpenter\.sh|spotinst\.io)\//;

/**
 * The VNG Ocean's discovery suggests for a node (the emulator's reading of Spot's documentation: by the node's labels and
 * taints): `Default` when the node has no labels or taints of its own, else the id of the first launch spec whose labels are
 * all on the node and whose taints are the node's own taints, else null.
 */
export function suggestedVng(node: EmulatedNode, launchSpecs: readonly Record<string, unknown>[]): string | null {
  const labels = Object.entries(node.labels).filter(([k]) => !WELL_KNOWN.test(k));
  const taints = node.taints.filter((t) => !WELL_KNOWN.test(t.key)).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).sort();
  if (labels.length === 0 && taints.length === 0) return 'Default';
  const pairs = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  for (const spec of launchSpecs) {
    const wants = pairs(spec['labels']);
    const specTaints = pairs(spec['taints']).map((t) => `${String(t['key'])}=${typeof t['value'] === 'string' ? t['value'] : ''}:${String(t['effect'])}`).sort();
    if (wants.every((l) => node.labels[String(l['key'])] === String(l['value'])) && specTaints.join('\n') === taints.join('\n')) return typeof spec['id'] === 'string' ? spec['id'] : null;
  }
  return null;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string;
  readonly body: unknown;
}

export interface SpotEmulator {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The migrations accepted, in order. */
  readonly migrations: EmulatedMigration[];
  /** The next `times` requests whose path matches answer `status` with `code`. */
  fail(path: RegExp, status: number, code: string, times?: number, retryAfterSeconds?: number): void;
  /** Drops the failures `fail()` set that have not happened yet. */
  clearFailures(): void;
  close(): Promise<void>;
}

export interface SpotEmulatorOptions {
  readonly token: string;
  readonly account: string | null;
  readonly clusters: Readonly<Record<string, OceanClusterFixture>>;
  /** Performs the migrations Ocean accepts; without one, a create is a 400 (the emulated account has no migration). */
  readonly world?: MigrationWorld;
}

/** The body of a create, as the emulator checked it. */
export interface MigrationRequestBody {
  readonly instanceIds: readonly string[];
  readonly batchSizePercentage: number;
  readonly shouldEvictStandAlonePods: boolean;
  readonly shouldTerminateDrainedNodes: boolean;
  readonly forcePodEvictionOnPdbFailure: boolean;
  readonly respectPdb: boolean;
  readonly batchMinHealthyPercentage: number;
}

export interface WorldInstance {
  readonly instanceId: string;
  readonly k8sNodeName: string;
  readonly state: string;
  readonly runningPods: number;
  readonly podDetails?: readonly { readonly id: string; readonly name: string; readonly kind: string }[];
}

export type WorldPhase = 'Running' | 'Stopping' | 'Stopped' | 'Completed' | 'Failed';

/** A migration as its world says it is now. */
export interface WorldStatus {
  readonly status: WorldPhase;
  readonly oldInstances: readonly WorldInstance[];
  readonly newInstances: readonly WorldInstance[];
  readonly unscheduledPodIds: readonly string[];
  /** Ocean's failure text (src/model/failures.ts) when Failed. */
  readonly errorMessage?: string;
}

/** What performs the migrations the emulator accepts. */
export interface MigrationWorld {
  /** A migration was accepted (its id chosen by the emulator). */
  start(id: string, oceanId: string, req: MigrationRequestBody): void;
  /** Its status now (each status read of the API calls this once). */
  status(id: string): WorldStatus;
  /** A stop through the API. */
  stop(id: string, terminateDrained: boolean): void;
}

export interface EmulatedMigration {
  readonly id: string;
  readonly oceanId: string;
  readonly request: MigrationRequestBody;
  readonly createdAt: string;
  stopped: { terminateDrained: boolean } | null;
  last: WorldStatus | null;
  endedAt: string | null;
}

const KIND = { cluster: 'spotinst:ocean:aws:k8s', launchSpec: 'spotinst:ocean:aws:k8s:launchSpec' };

function envelope(method: string, url: string, status: number, body: Record<string, unknown>): string {
  return JSON.stringify({
    request: { id: randomUUID(), url, method, timestamp: new Date(0).toISOString() },
    response: { status: { code: status, message: status === 200 ? 'OK' : 'Error' }, ...body },
  });
}

const MIGRATION_KIND = 'spotinst:ocean:aws:k8s:migration';
const DISCOVERY_KIND = 'spotinst:ocean:aws:k8s:migration:discovery';
const BOOLEAN_FIELDS = ['shouldEvictStandAlonePods', 'shouldTerminateDrainedNodes', 'forcePodEvictionOnPdbFailure', 'respectPdb'] as const;

/** The create body as a migration, or the name of its first bad field. */
function checkMigrationBody(body: unknown): MigrationRequestBody | string {
  const m = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['migration'] : undefined;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'migration';
  const r = m as Record<string, unknown>;
  const ids = r['instanceIds'];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' && /^i-[0-9a-f]+$/.test(x))) return 'migration.instanceIds';
  const size = r['batchSizePercentage'] ?? 20;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) return 'migration.batchSizePercentage';
  const healthy = r['batchMinHealthyPercentage'] ?? 50;
  if (typeof healthy !== 'number' || healthy < 1 || healthy > 100) return 'migration.batchMinHealthyPercentage';
  for (const f of BOOLEAN_FIELDS) if (r[f] !== undefined && typeof r[f] !== 'boolean') return `migration.${f}`;
  return {
    instanceIds: ids as string[],
    batchSizePercentage: size,
    shouldEvictStandAlonePods: r['shouldEvictStandAlonePods'] === true,
    shouldTerminateDrainedNodes: r['shouldTerminateDrainedNodes'] !== false,
    forcePodEvictionOnPdbFailure: r['forcePodEvictionOnPdbFailure'] === true,
    respectPdb: r['respectPdb'] !== false,
    batchMinHealthyPercentage: healthy,
  };
}

const ENDED = new Set<WorldPhase>(['Stopped', 'Completed', 'Failed']);

export async function startSpotEmulator(o: SpotEmulatorOptions): Promise<SpotEmulator> {
  const migrations: EmulatedMigration[] = [];
  let counter = 0;
  const statusOf = (m: EmulatedMigration): WorldStatus => {
    // An ended migration stays as it ended.
    if (m.last !== null && ENDED.has(m.last.status)) return m.last;
    const now = o.world?.status(m.id) ?? m.last;
    if (now === null) throw new Error(`no world for migration ${m.id}`);
    m.last = now;
    if (ENDED.has(now.status) && m.endedAt === null) m.endedAt = new Date().toISOString();
    return now;
  };
  /** The status last read (a new migration is Running): summaries and checks do not advance a world. */
  const peek = (m: EmulatedMigration): WorldPhase => m.last?.status ?? 'Running';
  const statusBody = (m: EmulatedMigration): Record<string, unknown> => {
    const st = statusOf(m);
    const end = (phase: WorldPhase): string | undefined => (st.status === phase ? (m.endedAt ?? undefined) : undefined);
    return {
      Id: m.id,
      oceanId: m.oceanId,
      status: st.status,
      oldInstances: st.oldInstances,
      newInstances: st.newInstances,
      unscheduledPodIds: st.unscheduledPodIds.join(','),
      newUnscheduledPodIds: '',
      migrationConfig: { shouldTerminateDrainedNodes: m.request.shouldTerminateDrainedNodes, shouldEvictStandAlonePods: m.request.shouldEvictStandAlonePods },
      createdAt: m.createdAt,
      ...(end('Completed') !== undefined ? { completedAt: end('Completed') } : {}),
      ...(end('Stopped') !== undefined ? { stoppedAt: end('Stopped') } : {}),
      ...(end('Failed') !== undefined ? { erroredAt: end('Failed') } : {}),
      ...(st.errorMessage !== undefined ? { errorMessage: st.errorMessage } : {}),
    };
  };
  const requests: RecordedRequest[] = [];
  const failures: { path: RegExp; status: number; code: string; times: number; retryAfter: number | null }[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = null;
    try {
      body = raw === '' ? null : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query, authorization: req.headers.authorization ?? '', body });
    const send = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(envelope(method, url.pathname, status, payload));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      send(status, { errors: [{ code, message }] }, headers);
    if (req.headers.authorization !== `Bearer ${o.token}`) return error(401, 'UNAUTHORIZED', 'Unauthorized: invalid token');
    if (o.account !== null && query['accountId'] !== o.account) return error(403, 'ACCESS_DENIED', `Access denied to account ${query['accountId'] ?? '(none)'}`);
    const failure = failures.find((f) => f.times > 0 && f.path.test(url.pathname));
    if (failure !== undefined) {
      failure.times -= 1;
      return error(failure.status, failure.code, `injected ${failure.code}`, failure.retryAfter !== null ? { 'retry-after': String(failure.retryAfter) } : {});
    }
    const clusterPath = /^\/ocean\/aws\/k8s\/cluster\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && clusterPath !== null) {
      const c = o.clusters[decodeURIComponent(clusterPath[1] as string)];
      if (c === undefined) return error(400, 'CLUSTER_DOES_NOT_EXIST', `Cluster ${clusterPath[1] ?? ''} does not exist`);
      return send(200, { kind: KIND.cluster, items: [c.cluster], count: 1 });
    }
    if (method === 'GET' && url.pathname === '/ocean/aws/k8s/launchSpec') {
      const id = query['oceanId'];
      const specs = id === undefined ? Object.values(o.clusters).flatMap((c) => c.launchSpecs) : (o.clusters[id]?.launchSpecs ?? []);
      return send(200, { kind: KIND.launchSpec, items: specs, count: specs.length });
    }
    const discoveryPath = /^\/ocean\/aws\/k8s\/cluster\/([^/]+)\/migration\/discovery$/.exec(url.pathname);
    if (method === 'GET' && discoveryPath !== null) {
      const c = o.clusters[decodeURIComponent(discoveryPath[1] as string)];
      if (c === undefined) return error(400, 'CLUSTER_DOES_NOT_EXIST', `Cluster ${discoveryPath[1] ?? ''} does not exist`);
      const fetchPods = query['shouldFetchPods'];
      if (fetchPods !== undefined && fetchPods !== 'true' && fetchPods !== 'false') return error(400, 'VALIDATION_ERROR', 'shouldFetchPods: expected true or false');
      const nodes = typeof c.nodes === 'function' ? c.nodes() : (c.nodes ?? []);
      const items = nodes.map((n) => ({
        instanceId: n.instanceId,
        k8sNodeName: n.name,
        ...(n.instanceType !== undefined ? { instanceType: n.instanceType } : {}),
        launchSpecId: suggestedVng(n, c.launchSpecs),
        runningPods: n.pods?.length ?? 0,
        ...(fetchPods === 'true' ? { podDetails: (n.pods ?? []).map((name) => ({ name })) } : {}),
      }));
      return send(200, { kind: DISCOVERY_KIND, items, count: items.length });
    }
    const migrationPath = /^\/ocean\/aws\/k8s\/cluster\/([^/]+)\/migration(?:\/([^/]+))?$/.exec(url.pathname);
    if (migrationPath !== null) {
      const oceanId = decodeURIComponent(migrationPath[1] as string);
      if (o.clusters[oceanId] === undefined) return error(400, 'CLUSTER_DOES_NOT_EXIST', `Cluster ${oceanId} does not exist`);
      const migrationId = migrationPath[2] !== undefined ? decodeURIComponent(migrationPath[2]) : null;
      const mine = migrations.filter((m) => m.oceanId === oceanId);
      if (migrationId === null && method === 'POST') {
        const req = checkMigrationBody(body);
        if (typeof req === 'string') return error(400, 'INVALID_MIGRATION_PARAMETERS', `invalid field ${req}`);
        if (o.world === undefined) return error(400, 'MIGRATION_NOT_AVAILABLE', 'workload migration is not available for this cluster');
        const running = mine.find((m) => !ENDED.has(peek(m)));
        if (running !== undefined) return error(400, 'MIGRATION_ALREADY_RUNNING', `migration ${running.id} of cluster ${oceanId} is still running`);
        counter += 1;
        const m: EmulatedMigration = { id: `mig-${counter.toString(16).padStart(8, '0')}`, oceanId, request: req, createdAt: new Date().toISOString(), stopped: null, last: null, endedAt: null };
        migrations.push(m);
        o.world.start(m.id, oceanId, req);
        return send(200, { kind: MIGRATION_KIND, items: [{ id: m.id, oceanId, state: 'Running', createdAt: m.createdAt }], count: 1 });
      }
      if (migrationId === null && method === 'GET') {
        const items = mine.map((m) => ({ Id: m.id, state: peek(m), createdAt: m.createdAt, ...(m.endedAt !== null && peek(m) === 'Completed' ? { completedAt: m.endedAt } : {}) }));
        return send(200, { kind: MIGRATION_KIND, items, count: items.length });
      }
      const m = mine.find((x) => x.id === migrationId);
      if (migrationId !== null && m === undefined) return error(400, 'MIGRATION_DOES_NOT_EXIST', `Migration ${migrationId} does not exist`);
      if (m !== undefined && method === 'GET') return send(200, { kind: MIGRATION_KIND, items: [statusBody(m)], count: 1 });
      if (m !== undefined && method === 'PUT') {
        const u = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['migration'] : undefined;
        const fields = typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : {};
        if (fields['state'] !== 'STOPPED') return error(400, 'INVALID_MIGRATION_STATE', 'migration.state: only "STOPPED" is accepted');
        const terminate = fields['shouldTerminateDrainedNodes'] === true;
        if (!ENDED.has(peek(m)) && m.stopped === null) {
          m.stopped = { terminateDrained: terminate };
          o.world?.stop(m.id, terminate);
        }
        return send(200, { kind: MIGRATION_KIND, items: [{ Id: m.id, oceanId, status: ENDED.has(peek(m)) ? peek(m) : 'Stopping' }], count: 1 });
      }
    }
    return error(404, 'NOT_FOUND', `${method} ${url.pathname} is not part of the emulated API`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    migrations,
    fail: (path, status, code, times = 1, retryAfterSeconds) => failures.push({ path, status, code, times, retryAfter: retryAfterSeconds ?? null }),
    clearFailures: () => void failures.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ScriptedWorldOptions {
  /** Status reads a migration takes to complete: read 1 shows its old instances cordoned, later reads drained with a new
   * instance pending, read `readsToComplete` Completed. Default 3. */
  readonly readsToComplete?: number;
  /** Pods on each old instance before it is drained. Default 2. */
  readonly podsPerInstance?: number;
  /** The node name of an instance id (default: `node-<id>`). */
  readonly nodeName?: (instanceId: string) => string;
}

export interface ScriptedWorld extends MigrationWorld {
  /** The requests started, in order. */
  readonly started: { readonly id: string; readonly request: MigrationRequestBody }[];
  /** Reads of each migration's status so far. */
  readonly reads: Map<string, number>;
  /** The `ordinal`-th migration (1-based) reports Failed with Ocean's `message` from its `atRead`-th status read on. */
  failAt(ordinal: number, atRead: number, message: string, unscheduled?: readonly string[]): void;
}

/** A world whose migrations advance one step per status read (see ScriptedWorldOptions), with injectable failures. */
export function scriptedWorld(opts: ScriptedWorldOptions = {}): ScriptedWorld {
  const complete = opts.readsToComplete ?? 3;
  const pods = opts.podsPerInstance ?? 2;
  const nodeName = opts.nodeName ?? ((id: string) => `node-${id}`);
  const started: { id: string; request: MigrationRequestBody }[] = [];
  const reads = new Map<string, number>();
  const failures: { ordinal: number; atRead: number; message: string; unscheduled: readonly string[] }[] = [];
  const stops = new Map<string, { atRead: number; terminateDrained: boolean }>();
  const old = (req: MigrationRequestBody, state: string, running: number): WorldInstance[] =>
    req.instanceIds.map((id) => ({
      instanceId: id,
      k8sNodeName: nodeName(id),
      state,
      runningPods: running,
      podDetails: Array.from({ length: running }, (_, i) => ({ id: `${id}-pod-${i}`, name: `app-${id}-${i}`, kind: 'ReplicaSet' })),
    }));
  const fresh = (id: string, state: string, running: number): WorldInstance[] => [{ instanceId: `i-0${id.replace(/[^0-9a-f]/g, '')}`, k8sNodeName: `new-${id}`, state, runningPods: running }];
  return {
    started,
    reads,
    failAt: (ordinal, atRead, message, unscheduled = []) => failures.push({ ordinal, atRead, message, unscheduled }),
    start(id, _oceanId, request) {
      started.push({ id, request });
      reads.set(id, 0);
    },
    stop(id, terminateDrained) {
      stops.set(id, { atRead: reads.get(id) ?? 0, terminateDrained });
    },
    status(id) {
      const n = (reads.get(id) ?? 0) + 1;
      reads.set(id, n);
      const ordinal = started.findIndex((s) => s.id === id) + 1;
      const req = started[ordinal - 1]?.request;
      if (req === undefined) throw new Error(`unknown migration ${id}`);
      const failure = failures.find((f) => f.ordinal === ordinal && n >= f.atRead);
      if (failure !== undefined) {
        return { status: 'Failed', oldInstances: old(req, 'Cordoned', pods), newInstances: fresh(id, 'Pending', 0), unscheduledPodIds: failure.unscheduled, errorMessage: failure.message };
      }
      const stop = stops.get(id);
      if (stop !== undefined) {
        // Stopped at the next read: drained instances stay drained (or are terminated), the others are uncordoned.
        const drained = stop.atRead >= 2;
        const state = drained ? (stop.terminateDrained ? 'Terminated' : 'Drained') : 'Uncordoned';
        return { status: 'Stopped', oldInstances: old(req, state, drained ? 0 : pods), newInstances: fresh(id, 'Running', drained ? pods * req.instanceIds.length : 0), unscheduledPodIds: [] };
      }
      if (n >= complete) {
        const state = req.shouldTerminateDrainedNodes ? 'Terminated' : 'Drained';
        return { status: 'Completed', oldInstances: old(req, state, 0), newInstances: fresh(id, 'Running', pods * req.instanceIds.length), unscheduledPodIds: [] };
      }
      if (n === 1) return { status: 'Running', oldInstances: old(req, 'Cordoned', pods), newInstances: [], unscheduledPodIds: [] };
      return { status: 'Running', oldInstances: old(req, 'Drained', 0), newInstances: fresh(id, 'Pending', 0), unscheduledPodIds: [] };
    },
  };
}
