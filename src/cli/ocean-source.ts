/**
 * `--ocean-cluster o-...`: the VNGs read from the Spot API (src/live/spot) instead of a file, as the text of a VNG file in
 * the API layout, so plan, simulate, run and `ocean export` parse them as they parse a file. Spot credentials come from
 * SPOTINST_TOKEN / SPOTINST_ACCOUNT or Spot's credentials file; the subnets' zones from EC2 (the AWS SDK's default
 * credentials, in the Ocean cluster's region). Every failure is one line naming the flag and the call.
 */
import { InputError } from '../model/errors.js';
import type { DiscoveredNode } from '../model/ocean-discovery.js';

export interface OceanFlags {
  oceanCluster?: string;
  spotApiUrl?: string;
}

export interface VngText {
  readonly text: string;
  /** How messages and the plan name the input, e.g. `Ocean cluster o-1234abcd`. */
  readonly source: string;
}

const FLAG = 'flag --ocean-cluster';

/** Checks the flags without any call: an id's form, the URL's, and that --vngs is not given too. */
export function checkOceanFlags(opts: OceanFlags & { vngs?: string }): void {
  if (opts.oceanCluster === undefined) {
    if (opts.spotApiUrl !== undefined) throw new InputError('flag --spot-api-url', '', '', 'only with --ocean-cluster');
    return;
  }
  if (!/^o-[0-9a-z]+$/.test(opts.oceanCluster)) throw new InputError(FLAG, '', '', `expected an Ocean cluster id like o-1a2b3c4d; found "${opts.oceanCluster}"`);
  if (opts.vngs !== undefined) throw new InputError(FLAG, '', '', 'give either --vngs or --ocean-cluster, not both (`vngshift ocean export` writes the cluster\'s VNGs to a file)');
  if (opts.spotApiUrl !== undefined) {
    let u: URL;
    try {
      u = new URL(opts.spotApiUrl);
    } catch {
      throw new InputError('flag --spot-api-url', '', '', `not a URL: "${opts.spotApiUrl}"`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new InputError('flag --spot-api-url', '', '', `expected an http(s) URL; found "${opts.spotApiUrl}"`);
  }
}

/** The Ocean cluster's VNGs as the text of a VNG file (null without --ocean-cluster). */
export async function oceanVngText(opts: OceanFlags & { vngs?: string }): Promise<VngText | null> {
  checkOceanFlags(opts);
  const id = opts.oceanCluster;
  if (id === undefined) return null;
  const { spotCredentials, SpotCredentialsError } = await import('../live/spot/credentials.js');
  const { SpotClient, SpotApiError } = await import('../live/spot/client.js');
  const { readOcean, oceanRegion, oceanSubnetIds, oceanVngDocument } = await import('../live/spot/ocean-read.js');
  let read;
  try {
    const client = new SpotClient({ credentials: spotCredentials(), ...(opts.spotApiUrl !== undefined ? { baseUrl: opts.spotApiUrl } : {}) });
    read = await readOcean(client, id);
  } catch (e) {
    if (e instanceof SpotCredentialsError || e instanceof SpotApiError) throw new InputError(FLAG, '', '', e.message);
    throw e;
  }
  const subnets = oceanSubnetIds(read);
  let zones: Record<string, string> = {};
  if (subnets.length > 0) {
    const { makeAwsClients } = await import('../live/aws/clients.js');
    const { subnetZones } = await import('../live/aws/subnets.js');
    const { PortError } = await import('../engine/ports.js');
    const region = oceanRegion(read);
    const aws = makeAwsClients(region !== null ? { region } : {});
    try {
      zones = await subnetZones(aws, subnets);
    } catch (e) {
      if (e instanceof PortError) throw new InputError(FLAG, '', '', `the zones of the VNGs' subnets come from EC2: ${e.message}`);
      throw e;
    } finally {
      aws.destroy();
    }
    const missing = subnets.filter((s) => zones[s] === undefined);
    if (missing.length > 0) throw new InputError(FLAG, '', '', `EC2${region !== null ? ` in ${region}` : ''} does not know the subnet(s) ${missing.join(', ')} of the Ocean cluster's VNGs`);
  }
  return { text: `${JSON.stringify(oceanVngDocument(read, zones), null, 2)}\n`, source: `Ocean cluster ${id}` };
}

/**
 * Ocean's migration discovery of the cluster (plan only): the VNG Ocean suggests per node. A failure does not stop the plan:
 * it comes back as the error's line, which `plan` prints on standard error and keeps in its JSON.
 */
export async function oceanDiscovery(opts: OceanFlags): Promise<{ readonly nodes: readonly DiscoveredNode[] } | { readonly error: string } | null> {
  const id = opts.oceanCluster;
  if (id === undefined) return null;
  const { spotCredentials, SpotCredentialsError } = await import('../live/spot/credentials.js');
  const { SpotClient, SpotApiError } = await import('../live/spot/client.js');
  const { readDiscovery } = await import('../live/spot/discovery.js');
  try {
    const client = new SpotClient({ credentials: spotCredentials(), ...(opts.spotApiUrl !== undefined ? { baseUrl: opts.spotApiUrl } : {}) });
    return { nodes: await readDiscovery(client, id) };
  } catch (e) {
    if (e instanceof SpotCredentialsError || e instanceof SpotApiError) return { error: e.message };
    throw e;
  }
}

/** The VNG input of a command: the text read from Ocean (`vngText`), else the --vngs file's; null when neither is given. */
export function vngInput(opts: { vngs?: string; vngText?: VngText }, read: (file: string) => string): VngText | null {
  if (opts.vngText !== undefined) return opts.vngText;
  return opts.vngs !== undefined ? { text: read(opts.vngs), source: opts.vngs } : null;
}
