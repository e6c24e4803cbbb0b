/**
 * `status` and `stop` of a migration Ocean executes: Ocean's migration calls for the cluster the state names, through the
 * Spot API the run used (its --spot-api-url, kept in the state) unless --spot-api-url says otherwise, with the
 * credentials Spot's tools read.
 */
import type { OceanExecution } from '../engine/state.js';
import type { OceanMigrations } from '../live/spot/migration.js';

export async function oceanMigrationsOf(ocean: OceanExecution, spotApiUrl: string | undefined): Promise<OceanMigrations> {
  const { spotCredentials } = await import('../live/spot/credentials.js');
  const { SpotClient } = await import('../live/spot/client.js');
  const { OceanMigrations } = await import('../live/spot/migration.js');
  const baseUrl = spotApiUrl ?? ocean.apiUrl ?? undefined;
  const client = new SpotClient({ credentials: spotCredentials(), attempts: 2, ...(baseUrl !== undefined ? { baseUrl } : {}) });
  return new OceanMigrations(client, ocean.clusterId);
}

/** The batch whose Ocean migration is in flight or was the last submitted, with its index; null when none was submitted. */
export function lastSubmitted(ocean: OceanExecution): { index: number; migrationId: string } | null {
  for (let i = ocean.batches.length - 1; i >= 0; i--) {
    const id = ocean.batches[i]?.migrationId;
    if (id !== null && id !== undefined) return { index: i, migrationId: id };
  }
  return null;
}
