/**
 * `vngshift catalog refresh`: read instance types, their zone offerings, current Spot prices and (with --vngs) the zones of
 * the VNGs' subnets from EC2, and write a catalog file that plan, simulate and run take with --catalog. An AWS error is
 * one line naming the API call (the IAM action to grant when refused), exit 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { bundledDataPath, catalogFromJsonText, CATALOG_FILE, loadCatalog } from '../catalog/catalog.js';
import { buildRefreshedCatalog } from '../catalog/refreshed.js';
import { PortError } from '../engine/ports.js';
import { InputError } from '../model/errors.js';
import { parseVngText } from '../model/vng/parse-vngs.js';
import { readInput } from './inputs.js';

interface RefreshOptions {
  region?: string;
  profile?: string;
  vngs?: string;
  output?: string;
}

/** The subnet ids of the VNGs in `file` (checked against the bundled catalog, as plan checks them), sorted, once each. */
function subnetIdsOf(file: string): string[] {
  const { vngs } = parseVngText(readInput(file), file, loadCatalog());
  return [...new Set(vngs.flatMap((v) => v.subnetIds))].sort();
}

async function refresh(opts: RefreshOptions): Promise<void> {
  if (opts.output === undefined || opts.output === '') throw new InputError('flag --output', '', '', 'required: the catalog file to write (-o FILE)');
  if (opts.region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(opts.region)) throw new InputError('flag --region', '', '', `not an AWS region: "${opts.region}"`);
  const subnetIds = opts.vngs === undefined ? [] : subnetIdsOf(opts.vngs);
  const bundledPath = bundledDataPath('ec2-instance-types.json');
  if (bundledPath === null) throw new InputError(CATALOG_FILE, '', '', 'cannot find the bundled catalog beside the program');
  const bundledText = readFileSync(bundledPath, 'utf8');
  // The AWS SDK is loaded only here: importing it costs about half a second at every start of the CLI.
  const { makeAwsClients } = await import('../live/aws/clients.js');
  const { readCatalogFacts } = await import('../live/aws/catalog-facts.js');
  const aws = makeAwsClients({ ...(opts.region !== undefined ? { region: opts.region } : {}), ...(opts.profile !== undefined ? { profile: opts.profile } : {}) });
  try {
    let region: string;
    try {
      region = await aws.region();
    } catch {
      throw new InputError('flag --region', '', '', 'required: no region given and none configured (AWS_REGION, or the profile\'s region)');
    }
    if (region === '') throw new InputError('flag --region', '', '', 'required: no region given and none configured (AWS_REGION, or the profile\'s region)');
    const facts = await readCatalogFacts(aws, subnetIds, new Date());
    const missing = subnetIds.filter((s) => facts.subnetZones[s] === undefined);
    if (missing.length > 0) throw new InputError(opts.vngs ?? '', '', '', `EC2 in ${region} knows no subnet ${missing.join(', ')}`);
    const { text, summary } = buildRefreshedCatalog(facts, bundledText);
    // What is written must read back: the same validation plan --catalog runs.
    catalogFromJsonText(text, opts.output);
    try {
      writeFileSync(opts.output, text);
    } catch (e) {
      throw new InputError(opts.output, '', '', `cannot write the catalog (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const zones = summary.zones.length > 0 ? summary.zones.join(', ') : 'none';
    process.stdout.write(
      `wrote ${opts.output}: ${summary.types} instance types of ${region} (${summary.skipped} left out), offered in ${summary.zones.length} zone(s) (${zones}); ` +
        `${summary.spotPairs} Spot price(s) by type and zone${summary.spotLatest !== null ? `, latest from ${summary.spotLatest}` : ''}; ` +
        `${summary.subnets} subnet zone(s); on-demand prices are the bundled us-east-1 list prices\n`,
    );
  } finally {
    aws.destroy();
  }
}

export function catalogCommand(): Command {
  const cmd = new Command('catalog').description('instance-type catalogs: refresh one from EC2 for plan, simulate and run --catalog');
  cmd.addCommand(
    new Command('refresh')
      .description('read instance types, zone offerings, Spot prices and the VNGs\' subnet zones from EC2; write a catalog file')
      .option('--region <region>', "the AWS region (default: the SDK's, e.g. AWS_REGION or the profile's)")
      .option('--profile <name>', "the AWS shared-config profile (default: the SDK's credential chain)")
      .option('--vngs <file>', "Ocean launch specs whose subnets' zones to record (DescribeSubnets)")
      .option('-o, --output <file>', 'the catalog file to write')
      .action(async (opts: RefreshOptions) => {
        try {
          await refresh(opts);
        } catch (e) {
          if (!(e instanceof PortError)) throw e;
          process.stderr.write(`vngshift: error: ${e.message.split('\n')[0] ?? ''}\n`);
          process.exitCode = 1;
        }
      })
      .exitOverride(),
  );
  return cmd;
}
