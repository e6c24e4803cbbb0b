/**
 * Ocean's Workload Migration API, as Spot's public SDKs call it:
 *
 *   POST /ocean/aws/k8s/cluster/{oceanClusterId}/migration                 create (body {"migration": {...}})
 *   GET  /ocean/aws/k8s/cluster/{oceanClusterId}/migration/{migrationId}   status
 *   GET  /ocean/aws/k8s/cluster/{oceanClusterId}/migration                 summaries (Id, state, createdAt, completedAt)
 *   PUT  /ocean/aws/k8s/cluster/{oceanClusterId}/migration/{migrationId}   update: stop (body {"migration": {...}})
 *
 * Sources: Spot's guide to the workload migration through the API (the stop's state is STOPPED; terminating the drained
 * instances on a stop is optional, false by default); spotinst-sdk-python, clients/ocean (OceanAwsClient.create_migration, get_migration_status,
 * get_all_migrations_summary, stop_migration) and models/ocean/aws (Migration: instanceIds, batchSizePercentage,
 * shouldEvictStandAlonePods, shouldTerminateDrainedNodes, forcePodEvictionOnPdbFailure, state); spotinst-sdk-go,
 * service/ocean/providers/aws migrationstatus.go (MigrationStatus: Id, oceanId, status, newInstances/oldInstances of
 * InstanceDetails {instanceId, k8sNodeName, asgName, state, runningPods, podDetails}, unscheduledPodIds and
 * newUnscheduledPodIds (typed as strings), migrationConfig, createdAt/erroredAt/stoppedAt/completedAt) and
 * migrationsummary.go (ListMigrations).
 *
 * What those sources do not show, and vngshift chose (the test emulator does the same, and the README says so):
 * - the create body also carries respectPdb and batchMinHealthyPercentage (the plan's parameters of those names);
 * - the create answer's item names the migration by `id` (also read: `Id`, `migrationId`);
 * - status values Running, Stopping, Stopped, Completed and Failed (compared without regard to case);
 * - a failed migration's message in `errorMessage` (also read: `message`), one of Ocean's texts (src/model/failures.ts);
 * - unscheduledPodIds as a comma-separated string (an array is read too);
 * Nothing here was checked against the real Spot API.
 */
import type { OceanInstance } from '../../engine/state.js';
import { obj, type SpotClient } from './client.js';

/** The plan's parameters Ocean takes, for one batch. */
export interface OceanMigrationRequest {
  readonly instanceIds: readonly string[];
  readonly batchSizePercentage: number;
  readonly shouldEvictStandAlonePods: boolean;
  readonly shouldTerminateDrainedNodes: boolean;
  readonly forcePodEvictionOnPdbFailure: boolean;
  readonly respectPdb: boolean;
  readonly batchMinHealthyPercentage: number;
}

export type OceanMigrationPhase = 'Running' | 'Stopping' | 'Stopped' | 'Completed' | 'Failed' | 'Unknown';

export interface OceanMigrationStatus {
  readonly id: string;
  /** Ocean's status as it wrote it. */
  readonly status: string;
  readonly phase: OceanMigrationPhase;
  readonly oldInstances: readonly OceanInstance[];
  readonly newInstances: readonly OceanInstance[];
  /** Pods Ocean lists as unscheduled (unscheduledPodIds and newUnscheduledPodIds). */
  readonly unscheduledPods: readonly string[];
  /** The pods Ocean saw on the old instances (their podDetails), as names. */
  readonly oldPods: readonly string[];
  readonly message: string | null;
  readonly createdAt: string | null;
}

export interface OceanMigrationSummary {
  readonly id: string;
  readonly state: string;
  readonly createdAt: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function phaseOf(status: string): OceanMigrationPhase {
  const s = status.toLowerCase().replace(/[^a-z]/g, '');
  if (s === 'running' || s === 'inprogress' || s === 'pending' || s === 'started') return 'Running';
  if (s === 'stopping') return 'Stopping';
  if (s === 'stopped') return 'Stopped';
  if (s === 'completed' || s === 'finished') return 'Completed';
  if (s === 'failed' || s === 'errored' || s === 'error') return 'Failed';
  return 'Unknown';
}

function ids(v: unknown): string[] {
  if (typeof v === 'string') return v.split(/[\s,]+/).filter((x) => x !== '');
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

function instances(v: unknown): OceanInstance[] {
  if (!Array.isArray(v)) return [];
  return v.map((raw) => {
    const i = obj(raw);
    const pods = i['runningPods'];
    return {
      instanceId: str(i['instanceId']),
      nodeName: str(i['k8sNodeName']) ?? str(i['instanceId']) ?? '?',
      state: str(i['state']) ?? 'unknown',
      runningPods: typeof pods === 'number' && Number.isFinite(pods) ? pods : 0,
    };
  });
}

export function parseMigrationStatus(raw: unknown, fallbackId: string): OceanMigrationStatus {
  const m = obj(raw);
  const status = str(m['status']) ?? str(m['state']) ?? 'Unknown';
  const oldPods = (Array.isArray(m['oldInstances']) ? m['oldInstances'] : []).flatMap((i) => {
    const details = obj(i)['podDetails'];
    return Array.isArray(details) ? details.map((d) => str(obj(d)['name']) ?? str(obj(d)['id']) ?? '').filter((x) => x !== '') : [];
  });
  return {
    id: str(m['Id']) ?? str(m['id']) ?? fallbackId,
    status,
    phase: phaseOf(status),
    oldInstances: instances(m['oldInstances']),
    newInstances: instances(m['newInstances']),
    unscheduledPods: [...new Set([...ids(m['unscheduledPodIds']), ...ids(m['newUnscheduledPodIds'])])].sort(),
    oldPods: [...new Set(oldPods)].sort(),
    message: str(m['errorMessage']) ?? str(m['message']),
    createdAt: str(m['createdAt']),
  };
}

const base = (clusterId: string): string => `/ocean/aws/k8s/cluster/${encodeURIComponent(clusterId)}/migration`;

/** The calls of one Ocean cluster's migrations. Errors are the client's SpotApiError. */
export class OceanMigrations {
  constructor(
    private readonly client: SpotClient,
    readonly clusterId: string,
  ) {}

  /** Submits a migration; answers Ocean's id of it. */
  async create(req: OceanMigrationRequest): Promise<string> {
    const [item] = await this.client.post(base(this.clusterId), { migration: { ...req, instanceIds: [...req.instanceIds] } });
    const m = obj(item);
    const id = str(m['id']) ?? str(m['Id']) ?? str(m['migrationId']);
    if (id === null) throw new Error(`Spot API POST ${base(this.clusterId)}: the answer names no migration id`);
    return id;
  }

  async status(migrationId: string): Promise<OceanMigrationStatus> {
    const [item] = await this.client.get(`${base(this.clusterId)}/${encodeURIComponent(migrationId)}`);
    return parseMigrationStatus(item, migrationId);
  }

  async list(): Promise<OceanMigrationSummary[]> {
    const items = await this.client.get(base(this.clusterId));
    return items.map(obj).flatMap((m) => {
      const id = str(m['Id']) ?? str(m['id']);
      return id === null ? [] : [{ id, state: str(m['state']) ?? str(m['status']) ?? 'Unknown', createdAt: str(m['createdAt']) }];
    });
  }

  async stop(migrationId: string, terminateDrained: boolean): Promise<void> {
    await this.client.put(`${base(this.clusterId)}/${encodeURIComponent(migrationId)}`, { migration: { state: 'STOPPED', shouldTerminateDrainedNodes: terminateDrained } });
  }
}

/** The create body of a batch: its old nodes' instance ids, all in one Ocean batch, and the plan's parameters. */
export function migrationRequest(
  instanceIds: readonly string[],
  p: { shouldEvictStandAlonePods: boolean; shouldTerminateDrainedNodes: boolean; forcePodEvictionOnPdbFailure: boolean; respectPdb: boolean; batchMinHealthyPercentage: number },
): OceanMigrationRequest {
  return {
    instanceIds: [...instanceIds],
    batchSizePercentage: 100,
    shouldEvictStandAlonePods: p.shouldEvictStandAlonePods,
    shouldTerminateDrainedNodes: p.shouldTerminateDrainedNodes,
    forcePodEvictionOnPdbFailure: p.forcePodEvictionOnPdbFailure,
    respectPdb: p.respectPdb,
    batchMinHealthyPercentage: p.batchMinHealthyPercentage,
  };
}
