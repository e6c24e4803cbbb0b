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

/** The name used in errors about the bundled file. */
export const CATALOG_FILE = 'data/ec2-instance-types.json';

/** Kubelet's own default when EKS has no max-pods value for a type. */
const KUBELET_DEFAULT_MAX_PODS = 110;

export interface Catalog {
  /** Every instance type, sorted by name. */
  readonly types: readonly InstanceType[];
  readonly byName: ReadonlyMap<string, InstanceType>;
  /** The region the prices belong to. */
  readonly region: string;
}

const nonNegative = z.number().finite().nonnegative();
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
});

type CatalogRow = z.infer<typeof rowSchema>;

const fileSchema = z.object({
  region: z.string().min(1),
  instanceTypes: z.array(z.unknown()).min(1),
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

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
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
    throw new InputError(file, '', issue ? issuePath(issue.path) : '', issue ? issue.message : 'unexpected layout');
  }
  const types: InstanceType[] = [];
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
        issue ? issuePath(issue.path) : '',
        issue ? issue.message : 'not a valid instance type row',
      );
    }
    types.push(rowToInstanceType(parsed.data));
  });
  return catalogFromTypes(types, top.data.region, file);
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
