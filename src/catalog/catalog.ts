/**
 * The bundled EC2 instance-type catalog (data/ec2-instance-types.json), parsed once into the model's InstanceType shape.
 *
 * The JSON file is found by walking up from this module to the package root (the first folder holding package.json and
 * data/ec2-instance-types.json), so it is found from src/catalog/ (vitest), dist/src/catalog/ (compiled) or any other
 * output folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError } from '../model/errors.js';
import type { InstanceType } from '../model/types.js';
import { schemaFieldPath } from '../model/schema-path.js';

/** The name used in errors about the bundled file. */
export const CATALOG_FILE = 'data/ec2-instance-types.json';

/** Kubelet's own default when EKS has no max-pods value for a type. */
const KUBELET_DEFAULT_MAX_PODS = 110;

export interface Catalog {
  /** Every instance type, sorted by name. */
  readonly types: readonly InstanceType[];
  readonly byName: ReadonlyMap<string, InstanceType>;
  /** The region the prices belong to (of a refreshed catalog: the region it was read from; see onDemandRegion). */
  readonly region: string;
  /** Of a catalog file from `vngshift catalog refresh`: which file, when, and where its prices came from. */
  readonly info?: CatalogInfo;
  /**
   * The zones of the catalog's region each instance type is offered in (EC2 DescribeInstanceTypeOfferings). Absent when the
   * catalog does not know (the bundled one): every type is then taken to be offered everywhere.
   */
  readonly offerings?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Latest Spot price (USD/hour, Linux) per instance type and zone; absent when the catalog has none. */
  readonly spotPrices?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Subnet id -> zone, of the subnets the refresh was asked about (the VNGs'); empty when none. */
  readonly subnetZones?: Readonly<Record<string, string>>;
  /** The region the on-demand prices are for, when not `region` (a refreshed catalog carries us-east-1 list prices). */
  readonly onDemandRegion?: string;
}

/** Where one kind of price in a catalog came from, and as of when. */
export interface PriceSource {
  /** In words, e.g. `ec2:DescribeSpotPriceHistory (latest Linux/UNIX price per type and zone)`. */
  readonly source: string;
  readonly region: string;
  /** The date (or time, ISO 8601) the prices are as of. */
  readonly date: string;
}

/** What a plan records about the catalog it was made with (only for a catalog file other than the bundled one). */
export interface CatalogInfo {
  /** The file, as given to --catalog. */
  readonly file: string;
  readonly region: string;
  /** When `vngshift catalog refresh` read EC2 (ISO 8601). */
  readonly refreshedAt: string;
  readonly onDemand: PriceSource;
  /** null when the refresh found no Spot price. */
  readonly spot: PriceSource | null;
}

const nonNegative = z.number().finite().nonnegative();
/** An availability zone (or Local Zone) name: region then a letter, e.g. us-east-1a, us-west-2-lax-1a. */
const ZONE = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;
const positiveInt = z.number().int().positive();

/** One row of the file. Only the fields the model uses are checked; the rest are passed over. */
const rowSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type name like m5.large'),
  family: z.string().min(1),
  size: z.string().min(1),
  vcpu: positiveInt,
  memoryMiB: positiveInt,
  architecture: z.enum(['amd64', 'arm64']),
  gpuCount: z.number().int().nonnegative(),
  gpuManufacturer: z.string().nullable(),
  neuronDeviceCount: z.number().int().nonnegative().nullable().optional(),
  eksMaxPods: positiveInt.nullable(),
  maxPodsFormulaDefaultCardEnis: positiveInt.nullable().optional(),
  onDemandUsdPerHourUsEast1: nonNegative.nullable(),
  bareMetal: z.boolean(),
  burstable: z.boolean(),
  currentGeneration: z.boolean(),
  instanceStorageGB: nonNegative.nullable().optional(),
  /** Refreshed catalogs: the zones the type is offered in, and its latest Spot price per zone. */
  zones: z.array(z.string().regex(ZONE, 'an availability zone like us-east-1a')).optional(),
  spotUsdPerHour: z.record(z.string().regex(ZONE, 'an availability zone like us-east-1a'), nonNegative).optional(),
});

type CatalogRow = z.infer<typeof rowSchema>;

const fileSchema = z.object({
  region: z.string().min(1),
  instanceTypes: z.array(z.unknown()).min(1),
});

const priceSourceSchema = z.object({
  source: z.string().min(1),
  region: z.string().regex(REGION, 'an AWS region like us-east-1'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'a date like 2026-07-20 (or an ISO 8601 time)'),
});

/** The fields `vngshift catalog refresh` adds at the top of the file (present together, or the file is a bundled-style one). */
const refreshSchema = z.object({
  region: z.string().regex(REGION, 'an AWS region like us-east-1'),
  refreshedAt: z.iso.datetime({ offset: true }),
  prices: z.object({ onDemand: priceSourceSchema, spot: priceSourceSchema.nullable() }),
  subnetZones: z.record(z.string().regex(/^subnet-[0-9a-z]+$/, 'a subnet id like subnet-0abc'), z.string().regex(ZONE, 'an availability zone like us-east-1a')),
});

function rowToInstanceType(row: CatalogRow): InstanceType {
  return {
    name: row.name,
    family: row.family,
    size: row.size,
    vcpu: row.vcpu,
    memoryMiB: row.memoryMiB,
    architecture: row.architecture,
    gpuCount: row.gpuCount,
    gpuManufacturer: row.gpuManufacturer,
    neuronDeviceCount: row.neuronDeviceCount ?? 0,
    maxPods: row.eksMaxPods ?? row.maxPodsFormulaDefaultCardEnis ?? KUBELET_DEFAULT_MAX_PODS,
    priceUsdPerHour: row.onDemandUsdPerHourUsEast1,
    bareMetal: row.bareMetal,
    burstable: row.burstable,
    currentGeneration: row.currentGeneration,
    instanceStorageGB: row.instanceStorageGB ?? 0,
  };
}


/** Parses the catalog file's text. `file` names the file in errors. Exported for tests and for other catalog files. */
export function catalogFromJsonText(text: string, file: string = CATALOG_FILE): Catalog {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, '', '', `expected JSON; ${e instanceof Error ? e.message : String(e)}`);
  }
  const top = fileSchema.safeParse(doc);
  if (!top.success) {
    const issue = top.error.issues[0];
    throw new InputError(file, '', issue ? schemaFieldPath(issue.path) : '', issue ? issue.message : 'unexpected layout');
  }
  const refreshed = typeof doc === 'object' && doc !== null && 'refreshedAt' in doc;
  const header = refreshed ? refreshSchema.safeParse(doc) : null;
  if (header !== null && !header.success) {
    const issue = header.error.issues[0];
    throw new InputError(file, '', issue ? schemaFieldPath(issue.path) : '', issue ? issue.message : 'unexpected layout');
  }
  const types: InstanceType[] = [];
  const offerings = new Map<string, ReadonlySet<string>>();
  const spotPrices = new Map<string, ReadonlyMap<string, number>>();
  top.data.instanceTypes.forEach((raw, i) => {
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      const name =
        typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
          ? ` (${(raw as { name: string }).name})`
          : '';
      const issue = parsed.error.issues[0];
      throw new InputError(
        file,
        `instanceTypes[${i}]${name}`,
        issue ? schemaFieldPath(issue.path) : '',
        issue ? issue.message : 'not a valid instance type row',
      );
    }
    types.push(rowToInstanceType(parsed.data));
    if (header === null) return;
    const row = parsed.data;
    const where = `instanceTypes[${i}] (${row.name})`;
    if (row.zones === undefined) throw new InputError(file, where, 'zones', 'expected the zones the type is offered in (a refreshed catalog lists them for every type; [] for none)');
    const region = header.data.region;
    const zones = [...row.zones, ...Object.keys(row.spotUsdPerHour ?? {})];
    const foreign = zones.find((z) => !z.startsWith(`${region}`) || !ZONE.test(z));
    if (foreign !== undefined) throw new InputError(file, where, 'zones', `expected zones of ${region}; found ${foreign}`);
    offerings.set(row.name, new Set(row.zones));
    const spot = Object.entries(row.spotUsdPerHour ?? {});
    if (spot.length > 0) spotPrices.set(row.name, new Map(spot));
  });
  const catalog = catalogFromTypes(types, top.data.region, file);
  if (header === null) return catalog;
  const h = header.data;
  const badSubnet = Object.entries(h.subnetZones).find(([, z]) => !z.startsWith(h.region));
  if (badSubnet !== undefined) throw new InputError(file, 'subnetZones', badSubnet[0], `expected a zone of ${h.region}; found ${badSubnet[1]}`);
  return {
    ...catalog,
    info: { file, region: h.region, refreshedAt: h.refreshedAt, onDemand: h.prices.onDemand, spot: h.prices.spot },
    offerings,
    spotPrices,
    subnetZones: h.subnetZones,
    ...(h.prices.onDemand.region !== h.region ? { onDemandRegion: h.prices.onDemand.region } : {}),
  };
}

/** Reads and validates a catalog file given on the command line (--catalog); errors name the file and the field. */
export function loadCatalogFile(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, '', '', `cannot read the catalog file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return catalogFromJsonText(text, path);
}

/** The catalog of --catalog FILE, else the bundled one. */
export function catalogFor(file: string | undefined): Catalog {
  return file === undefined ? loadCatalog() : loadCatalogFile(file);
}

/**
 * Builds a catalog from instance types (tests, or a live refresh from EC2). Types are sorted by name; a duplicate name is an
 * InputError naming `file`.
 */
export function catalogFromTypes(types: readonly InstanceType[], region: string, file = 'instance types'): Catalog {
  const sorted = [...types].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map<string, InstanceType>();
  sorted.forEach((it, i) => {
    if (byName.has(it.name)) {
      throw new InputError(file, `instanceTypes[${i}] (${it.name})`, 'name', 'expected unique instance type names; found a duplicate');
    }
    byName.set(it.name, it);
  });
  return { types: sorted, byName, region };
}

let cached: Catalog | null = null;

/**
 * The path of a file in the package's data/ folder: the first folder up from this module that holds package.json and
 * data/ec2-instance-types.json is the package root. Null when there is none.
 */
export function bundledDataPath(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, CATALOG_FILE))) return join(dir, 'data', name);
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The bundled catalog, read and validated on first use, then cached. */
export function loadCatalog(): Catalog {
  if (cached !== null) return cached;
  const path = bundledDataPath('ec2-instance-types.json');
  let text: string;
  try {
    if (path === null) throw new Error('no folder above the program holds package.json and data/ec2-instance-types.json');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(CATALOG_FILE, '', '', `cannot read the bundled catalog: ${e instanceof Error ? e.message : String(e)}`);
  }
  cached = catalogFromJsonText(text, CATALOG_FILE);
  return cached;
}
