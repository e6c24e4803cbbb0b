/**
 * Reads Ocean Virtual Node Groups (launch specs, with the Spot API's field names) from JSON or YAML and resolves each one
 * against the instance catalog into the model's Vng.
 *
 * Accepted layouts:
 *   - a bare list of launch specs;
 *   - `{launchSpecs: [...], subnetZones?: {...}, cluster?: {...}}`;
 *   - the Spot API's list answer, `{request?: ..., response: {items: [...]}, subnetZones?: {...}, cluster?: {...}}`.
 * `subnetZones` maps subnet ids to availability zones for offline use (live, zones come from EC2). `cluster` (or
 * `oceanCluster`) is the Ocean cluster in the Spot API's cluster shape; its `compute.instanceTypes` (whitelist, blacklist
 * or filters) is the list a VNG without its own inherits, and its `compute.launchSpecification.rootVolumeSize` the root
 * volume of a VNG without one. Other cluster fields are skipped.
 *
 * Hand-written layouts are checked strictly: a field that is neither used nor a known Spot field is an error, to catch
 * typos such as `instanceType`. The API layout is read leniently (unknown fields are skipped), since the API adds fields
 * over time. Errors name the launch spec as `launchSpecs[i] (name)`, or `response.items[i] (name)` for the API layout.
 *
 * Resolution of instance types, sorted by name:
 *   - `instanceTypes` (non-empty): that allow list; every name must be in the catalog.
 *   - else `instanceTypesFilters`: the catalog types passing every filter (see instance-filters.ts).
 *   - else the Ocean cluster's list: its whitelist; or the catalog less its blacklist; or the catalog types passing its
 *     filters. Without a cluster list such a VNG is refused: the whole catalog is not what Ocean would launch.
 *   Ocean refuses a VNG that sets both instanceTypes and instanceTypesFilters, and so do we; likewise a cluster that sets
 *   more than one of whitelist, blacklist and filters.
 *
 * Our extensions beside Spot's fields: `maxVCpu` and `maxMemoryGiB` on a launch spec cap the VNG's total vCPU and memory
 * (Ocean has such caps only for the whole cluster), `maxPods` (max pods per node of the VNG; Spot's launch spec has no
 * such field), `instanceTypesFilters.architectures`, and `launchTemplate: {id | name, version?}` (the EC2 launch template
 * `run --capacity ec2` launches the VNG's nodes from; id `lt-...` or name, version `$Default`, `$Latest` or a number).
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ErrorContext } from '../errors.js';
import { InputError, inputError } from '../errors.js';
import { parseYamlDocument } from '../yaml-input.js';
import type { Labels, LaunchTemplateRef, Taint, TaintEffect, Vng } from '../types.js';
import type { InstanceTypesFilters } from './instance-filters.js';
import { matchesFilters, parseInstanceTypesFilters } from './instance-filters.js';
import type { JsonObject } from './read-fields.js';
import {
  describeValue,
  fieldPath,
  isJsonObject,
  readArray,
  readNumber,
  readObject,
  readString,
  readStringList,
  rejectUnknownKeys,
} from './read-fields.js';
import { checkLabelKey, checkLabelValue } from './label-syntax.js';

export interface VngInput {
  readonly vngs: Vng[];
  /** Subnet id -> zone, as given (keys sorted); empty when the file has none. */
  readonly subnetZones: Record<string, string>;
}

/** Launch-spec fields this parser reads. */
const HANDLED_FIELDS = new Set([
  'id',
  'name',
  'labels',
  'taints',
  'instanceTypes',
  'instanceTypesFilters',
  'subnetIds',
  'resourceLimits',
  'maxVCpu',
  'maxMemoryGiB',
  'rootVolumeSize',
  'preferredSpotTypes',
  'maxPods',
  'strategy',
  'launchTemplate',
]);

/** Spot launch-spec fields accepted and skipped: they do not change where pods can be placed. */
const IGNORED_FIELDS = new Set([
  'oceanId',
  'imageId',
  'images',
  'userData',
  'securityGroupIds',
  'iamInstanceProfile',
  'tags',
  'autoScale',
  'autoscaleHeadrooms',
  'blockDeviceMappings',
  'ephemeralStorage',
  'restrictScaleDown',
  'associatePublicIpAddress',
  'associateIpv6Address',
  'elasticIpPool',
  'scheduling',
  'instanceMetadataOptions',
  'preferredOnDemandTypes',
  'createOptions',
  'deleteOptions',
  'loadBalancers',
  'reservedENIs',
  'startupTaints',
  'createdAt',
  'updatedAt',
]);

const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

interface LaunchSpecList {
  readonly items: readonly unknown[];
  /** How errors name the list, e.g. `launchSpecs`. */
  readonly prefix: string;
  readonly subnetZones: Record<string, string> | null;
  readonly lenient: boolean;
  /** The Ocean cluster object beside the launch specs, as written (null: none), and the key it was under. */
  readonly cluster: { readonly key: string; readonly raw: unknown } | null;
}

/** What a VNG inherits from its Ocean cluster. */
interface ClusterDefaults {
  /** The cluster's instance types, resolved against the catalog and sorted; null when the cluster gives no list. */
  readonly instanceTypes: readonly string[] | null;
  /** Where the list came from, e.g. `cluster.compute.instanceTypes.whitelist`, for messages. */
  readonly instanceTypesSource: string;
  readonly rootVolumeSizeGiB: number | null;
  /** The cluster's `strategy.spotPercentage`, the share of Spot nodes Ocean aims at; null when not given. */
  readonly spotPercentage: number | null;
}

const NO_CLUSTER: ClusterDefaults = { instanceTypes: null, instanceTypesSource: '', rootVolumeSizeGiB: null, spotPercentage: null };

/** `strategy.spotPercentage` of a launch spec or cluster (0-100); undefined when not given. Other strategy fields are skipped. */
function readSpotPercentage(ctx: ErrorContext, raw: JsonObject): number | undefined {
  const strategy = readObject(ctx, raw, 'strategy', 'strategy');
  if (strategy === undefined) return undefined;
  const v = readNumber(ctx, strategy, 'spotPercentage', 'strategy.spotPercentage', { min: 0 });
  if (v !== undefined && v > 100) throw inputError(ctx, 'strategy.spotPercentage', `expected a percentage from 0 to 100; found ${v}`);
  return v;
}

/** Top-level keys that hold the Ocean cluster object. */
const CLUSTER_KEYS = ['cluster', 'oceanCluster'] as const;

function locateCluster(file: string, doc: JsonObject): { key: string; raw: unknown } | null {
  const found = CLUSTER_KEYS.filter((k) => doc[k] !== undefined && doc[k] !== null);
  if (found.length > 1) throw fileError(file, 'oceanCluster', 'expected either cluster or oceanCluster, not both');
  const key = found[0];
  return key === undefined ? null : { key, raw: doc[key] };
}

/**
 * The Ocean cluster's compute settings, in the Spot API's cluster shape: `compute.instanceTypes` with one of `whitelist`,
 * `blacklist` or `filters` (the same filters as a VNG's instanceTypesFilters), and `compute.launchSpecification.rootVolumeSize`.
 * Other fields of the cluster object are skipped (it may be pasted whole from the API); inside `instanceTypes`, unknown keys
 * are refused unless the file is the API's answer.
 */
function readClusterDefaults(file: string, list: LaunchSpecList, catalog: Catalog): ClusterDefaults {
  if (list.cluster === null) return NO_CLUSTER;
  const { key, raw } = list.cluster;
  const ctx: ErrorContext = { file, object: key };
  if (!isJsonObject(raw)) throw inputError(ctx, '', `expected the Ocean cluster object of the Spot API; found ${describeValue(raw)}`);
  const compute = readObject(ctx, raw, 'compute', 'compute') ?? {};
  const launch = readObject(ctx, compute, 'launchSpecification', 'compute.launchSpecification') ?? {};
  const rootVolumeSizeGiB =
    readNumber(ctx, launch, 'rootVolumeSize', 'compute.launchSpecification.rootVolumeSize', { integer: true, above: 0 }) ?? null;
  const spotPercentage = readSpotPercentage(ctx, raw) ?? null;
  const types = readObject(ctx, compute, 'instanceTypes', 'compute.instanceTypes');
  if (types === undefined) return { instanceTypes: null, instanceTypesSource: '', rootVolumeSizeGiB, spotPercentage };
  const at = 'compute.instanceTypes';
  if (!list.lenient) rejectUnknownKeys(ctx, types, at, new Set(['whitelist', 'blacklist', 'filters']), new Set());
  const whitelist = readStringList(ctx, types, 'whitelist', `${at}.whitelist`) ?? [];
  const blacklist = readStringList(ctx, types, 'blacklist', `${at}.blacklist`) ?? [];
  const rawFilters = readObject(ctx, types, 'filters', `${at}.filters`);
  const hasFilters = rawFilters !== undefined && Object.keys(rawFilters).length > 0;
  const given = [whitelist.length > 0 ? 'whitelist' : null, blacklist.length > 0 ? 'blacklist' : null, hasFilters ? 'filters' : null].filter(
    (x): x is string => x !== null,
  );
  if (given.length > 1) {
    throw inputError(ctx, `${at}.${given[1] ?? ''}`, `expected one of whitelist, blacklist or filters (Ocean accepts only one); found ${given.join(' and ')}`);
  }
  let resolved: string[];
  let source: string;
  if (whitelist.length > 0) {
    checkKnownTypes(ctx, `${at}.whitelist`, whitelist, catalog);
    resolved = uniqueSorted(whitelist);
    source = `${at}.whitelist`;
  } else if (blacklist.length > 0) {
    checkKnownTypes(ctx, `${at}.blacklist`, blacklist, catalog);
    const out = new Set(blacklist);
    resolved = catalog.types.filter((it) => !out.has(it.name)).map((it) => it.name);
    source = `${at}.blacklist`;
  } else if (rawFilters !== undefined && hasFilters) {
    const filters = parseInstanceTypesFilters(ctx, rawFilters, `${at}.filters`, list.lenient);
    resolved = catalog.types.filter((it) => matchesFilters(it, filters)).map((it) => it.name);
    source = `${at}.filters`;
  } else {
    return { instanceTypes: null, instanceTypesSource: '', rootVolumeSizeGiB, spotPercentage };
  }
  if (resolved.length === 0) {
    throw inputError(ctx, source, 'no usable instance type: expected a list that leaves at least one catalog type; found none');
  }
  return { instanceTypes: resolved, instanceTypesSource: `${key}.${source}`, rootVolumeSizeGiB, spotPercentage };
}

function fileError(file: string, field: string, problem: string): InputError {
  return new InputError(file, '', field, problem);
}

const LAYOUTS = "a list of launch specs, {launchSpecs: [...]} or the Spot API's {response: {items: [...]}}";

function readSubnetZones(file: string, doc: JsonObject): Record<string, string> | null {
  const raw = doc.subnetZones;
  if (raw === undefined || raw === null) return null;
  const ctx: ErrorContext = { file, object: 'subnetZones' };
  if (!isJsonObject(raw)) throw inputError(ctx, '', `expected a map of subnet id to zone; found ${describeValue(raw)}`);
  const out: Record<string, string> = {};
  for (const subnet of Object.keys(raw).sort()) {
    const zone = raw[subnet];
    if (typeof zone !== 'string' || zone === '') {
      throw inputError(ctx, subnet, `expected an availability zone such as us-east-1a; found ${describeValue(zone)}`);
    }
    out[subnet] = zone;
  }
  return out;
}

function locateLaunchSpecs(doc: unknown, file: string): LaunchSpecList {
  if (Array.isArray(doc)) return { items: doc, prefix: 'launchSpecs', subnetZones: null, lenient: false, cluster: null };
  if (!isJsonObject(doc)) throw fileError(file, '', `expected ${LAYOUTS}; found ${describeValue(doc)}`);
  const hasSpecs = doc.launchSpecs !== undefined;
  const hasResponse = doc.response !== undefined;
  if (hasSpecs && hasResponse) throw fileError(file, 'response', 'expected either launchSpecs or response, not both');
  if (hasSpecs) {
    for (const key of Object.keys(doc).sort()) {
      if (key !== 'launchSpecs' && key !== 'subnetZones' && !(CLUSTER_KEYS as readonly string[]).includes(key)) {
        throw fileError(file, key, 'unknown top-level field; expected launchSpecs and optionally subnetZones and cluster (or oceanCluster)');
      }
    }
    const items = doc.launchSpecs;
    if (!Array.isArray(items)) throw fileError(file, 'launchSpecs', `expected a list; found ${describeValue(items)}`);
    return { items, prefix: 'launchSpecs', subnetZones: readSubnetZones(file, doc), lenient: false, cluster: locateCluster(file, doc) };
  }
  if (hasResponse) {
    const response = doc.response;
    if (!isJsonObject(response)) throw fileError(file, 'response', `expected an object; found ${describeValue(response)}`);
    const items = response.items;
    if (!Array.isArray(items)) throw fileError(file, 'response.items', `expected a list; found ${describeValue(items)}`);
    return { items, prefix: 'response.items', subnetZones: readSubnetZones(file, doc), lenient: true, cluster: locateCluster(file, doc) };
  }
  throw fileError(file, '', `expected ${LAYOUTS}; found an object with keys ${Object.keys(doc).sort().join(', ') || '(none)'}`);
}

function readLabels(ctx: ErrorContext, spec: JsonObject): Labels {
  const list = readArray(ctx, spec, 'labels', 'labels') ?? [];
  const labels: Record<string, string> = {};
  list.forEach((item, i) => {
    const at = `labels[${i}]`;
    if (!isJsonObject(item)) throw inputError(ctx, at, `expected {key, value}; found ${describeValue(item)}`);
    const key = readString(ctx, item, 'key', `${at}.key`);
    if (key === undefined) throw inputError(ctx, `${at}.key`, 'expected a label key; found nothing');
    checkLabelKey(ctx, `${at}.key`, key);
    const value = readString(ctx, item, 'value', `${at}.value`) ?? '';
    checkLabelValue(ctx, `${at}.value`, value);
    if (Object.hasOwn(labels, key)) throw inputError(ctx, `${at}.key`, `expected unique label keys; found ${key} twice`);
    labels[key] = value;
  });
  return labels;
}

function readTaints(ctx: ErrorContext, spec: JsonObject): Taint[] {
  const list = readArray(ctx, spec, 'taints', 'taints') ?? [];
  const seen = new Set<string>();
  return list.map((item, i) => {
    const at = `taints[${i}]`;
    if (!isJsonObject(item)) throw inputError(ctx, at, `expected {key, value, effect}; found ${describeValue(item)}`);
    const key = readString(ctx, item, 'key', `${at}.key`);
    if (key === undefined) throw inputError(ctx, `${at}.key`, 'expected a taint key; found nothing');
    checkLabelKey(ctx, `${at}.key`, key);
    const value = readString(ctx, item, 'value', `${at}.value`) ?? '';
    checkLabelValue(ctx, `${at}.value`, value);
    const effect = readString(ctx, item, 'effect', `${at}.effect`);
    const found = TAINT_EFFECTS.find((e) => e === effect);
    if (found === undefined) {
      throw inputError(ctx, `${at}.effect`, `expected one of ${TAINT_EFFECTS.join(', ')}; found ${describeValue(item.effect)}`);
    }
    const identity = `${key}\u0000${found}`;
    if (seen.has(identity)) throw inputError(ctx, at, `expected one taint per key and effect; found ${key}:${found} twice`);
    seen.add(identity);
    return { key, value, effect: found };
  });
}

function checkKnownTypes(ctx: ErrorContext, field: string, names: readonly string[], catalog: Catalog): void {
  names.forEach((name, i) => {
    if (!catalog.byName.has(name)) {
      throw inputError(ctx, `${field}[${i}]`, `expected an EC2 instance type from the catalog; found unknown type ${name}`);
    }
  });
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function resolveInstanceTypes(
  ctx: ErrorContext,
  spec: JsonObject,
  catalog: Catalog,
  lenient: boolean,
  cluster: ClusterDefaults,
): string[] {
  const allow = readStringList(ctx, spec, 'instanceTypes', 'instanceTypes') ?? [];
  const rawFilters = readObject(ctx, spec, 'instanceTypesFilters', 'instanceTypesFilters');
  const hasFilters = rawFilters !== undefined && Object.keys(rawFilters).length > 0;
  if (allow.length > 0 && hasFilters) {
    throw inputError(
      ctx,
      'instanceTypesFilters',
      'expected either instanceTypes or instanceTypesFilters (Ocean accepts only one of them); found both',
    );
  }
  let resolved: string[];
  let source: string;
  if (allow.length > 0) {
    checkKnownTypes(ctx, 'instanceTypes', allow, catalog);
    resolved = uniqueSorted(allow);
    source = 'instanceTypes';
  } else if (rawFilters !== undefined && hasFilters) {
    const filters: InstanceTypesFilters = parseInstanceTypesFilters(ctx, rawFilters, 'instanceTypesFilters', lenient);
    resolved = catalog.types.filter((it) => matchesFilters(it, filters)).map((it) => it.name);
    source = 'instanceTypesFilters';
  } else if (cluster.instanceTypes !== null) {
    // Ocean: a VNG without its own list launches what the cluster allows.
    resolved = [...cluster.instanceTypes];
    source = cluster.instanceTypesSource;
  } else {
    throw inputError(
      ctx,
      'instanceTypes',
      "expected instanceTypes or instanceTypesFilters, or the Ocean cluster's list (a top-level cluster object with compute.instanceTypes whitelist, blacklist or filters); found none, and Ocean would not launch every catalog type",
    );
  }
  if (resolved.length === 0) {
    throw inputError(ctx, source, 'no usable instance type: expected filters that match at least one catalog type; found none');
  }
  return resolved;
}

function resolveZones(
  ctx: ErrorContext,
  subnetIds: readonly string[],
  subnetZones: Record<string, string> | null,
): string[] {
  if (subnetZones === null) return [];
  const zones: string[] = [];
  subnetIds.forEach((subnet, i) => {
    const zone = subnetZones[subnet];
    if (zone === undefined) {
      throw inputError(ctx, `subnetIds[${i}]`, `expected a subnet listed in subnetZones; found ${subnet}, which is not there`);
    }
    zones.push(zone);
  });
  return uniqueSorted(zones);
}

function parseLaunchSpec(
  raw: unknown,
  index: number,
  list: LaunchSpecList,
  file: string,
  catalog: Catalog,
  cluster: ClusterDefaults,
): Vng {
  const bare: ErrorContext = { file, object: `${list.prefix}[${index}]` };
  if (!isJsonObject(raw)) throw inputError(bare, '', `expected a launch spec object; found ${describeValue(raw)}`);
  const name = readString(bare, raw, 'name', 'name');
  if (name === undefined || name.trim() === '') {
    throw inputError(bare, 'name', `expected a non-empty VNG name; found ${describeValue(raw.name)}`);
  }
  const ctx: ErrorContext = { file, object: `${list.prefix}[${index}] (${name})` };
  if (!list.lenient) rejectUnknownKeys(ctx, raw, '', HANDLED_FIELDS, IGNORED_FIELDS);

  const id = readString(ctx, raw, 'id', 'id') ?? null;
  const labels = readLabels(ctx, raw);
  const taints = readTaints(ctx, raw);
  const instanceTypes = resolveInstanceTypes(ctx, raw, catalog, list.lenient, cluster);

  const preferredSpotTypes = readStringList(ctx, raw, 'preferredSpotTypes', 'preferredSpotTypes') ?? [];
  checkKnownTypes(ctx, 'preferredSpotTypes', preferredSpotTypes, catalog);
  preferredSpotTypes.forEach((t, i) => {
    if (!instanceTypes.includes(t)) {
      throw inputError(ctx, `preferredSpotTypes[${i}]`, `expected one of the VNG's own instance types; found ${t}, which it cannot launch`);
    }
  });

  const subnetsAsWritten = readStringList(ctx, raw, 'subnetIds', 'subnetIds') ?? [];
  // Zones are resolved against the list as written, so an error names the index the user sees.
  // A refreshed catalog knows the zones of the subnets it was asked about; the file's own map wins.
  const known = catalog.subnetZones !== undefined && Object.keys(catalog.subnetZones).length > 0 ? { ...catalog.subnetZones, ...(list.subnetZones ?? {}) } : list.subnetZones;
  const zones = resolveZones(ctx, subnetsAsWritten, known);
  const subnetIds = uniqueSorted(subnetsAsWritten);

  const limits = readObject(ctx, raw, 'resourceLimits', 'resourceLimits') ?? {};
  if (!list.lenient) {
    rejectUnknownKeys(ctx, limits, 'resourceLimits', new Set(['minInstanceCount', 'maxInstanceCount']), new Set());
  }
  const minInstanceCount =
    readNumber(ctx, limits, 'minInstanceCount', fieldPath('resourceLimits', 'minInstanceCount'), { integer: true, min: 0 }) ?? 0;
  const maxInstanceCount =
    readNumber(ctx, limits, 'maxInstanceCount', fieldPath('resourceLimits', 'maxInstanceCount'), { integer: true, min: 0 }) ??
    null;
  if (maxInstanceCount !== null && maxInstanceCount < minInstanceCount) {
    throw inputError(
      ctx,
      'resourceLimits.maxInstanceCount',
      `expected at least minInstanceCount (${minInstanceCount}); found ${maxInstanceCount}`,
    );
  }

  return {
    id,
    name,
    labels,
    taints,
    instanceTypes,
    zones,
    subnetIds,
    minInstanceCount,
    maxInstanceCount,
    maxVCpu: readNumber(ctx, raw, 'maxVCpu', 'maxVCpu', { above: 0 }) ?? null,
    maxMemoryGiB: readNumber(ctx, raw, 'maxMemoryGiB', 'maxMemoryGiB', { above: 0 }) ?? null,
    rootVolumeSizeGiB: readNumber(ctx, raw, 'rootVolumeSize', 'rootVolumeSize', { integer: true, above: 0 }) ?? cluster.rootVolumeSizeGiB,
    preferredSpotTypes: uniqueSorted(preferredSpotTypes),
    ...maxPodsField(readMaxPods(ctx, raw)),
    ...spotField(readSpotPercentage(ctx, raw) ?? cluster.spotPercentage),
    ...launchTemplateField(readLaunchTemplate(ctx, raw, list.lenient)),
  };
}

/** `spotPercentage` only when the VNG or its cluster states one (VNGs without compare equal to ones built before it existed). */
function spotField(v: number | null): { spotPercentage?: number } {
  return v === null ? {} : { spotPercentage: v };
}

/** `launchTemplate` only when set, as `maxPods`. */
function launchTemplateField(v: LaunchTemplateRef | null): { launchTemplate?: LaunchTemplateRef } {
  return v === null ? {} : { launchTemplate: v };
}

const LAUNCH_TEMPLATE_ID = /^lt-[0-9a-f]{8,17}$/;
/** EC2's rule for launch template names: 3 to 128 letters, digits and ( ) . - / _ */
const LAUNCH_TEMPLATE_NAME = /^[A-Za-z0-9().\-/_]{3,128}$/;

/** Our `launchTemplate` field: `{id}` or `{name}`, and an optional `version` ($Default, $Latest or a version number). */
function readLaunchTemplate(ctx: ErrorContext, raw: JsonObject, lenient: boolean): LaunchTemplateRef | null {
  const at = 'launchTemplate';
  const lt = readObject(ctx, raw, 'launchTemplate', at);
  if (lt === undefined) return null;
  if (!lenient) rejectUnknownKeys(ctx, lt, at, new Set(['id', 'name', 'version']), new Set());
  const id = readString(ctx, lt, 'id', `${at}.id`);
  const name = readString(ctx, lt, 'name', `${at}.name`);
  if (id !== undefined && name !== undefined) throw inputError(ctx, `${at}.name`, 'expected either id or name of the launch template, not both');
  if (id === undefined && name === undefined) throw inputError(ctx, `${at}.id`, 'expected the launch template\'s id (lt-...) or its name; found neither');
  if (id !== undefined && !LAUNCH_TEMPLATE_ID.test(id)) throw inputError(ctx, `${at}.id`, `expected a launch template id such as lt-0abc12de34f567890; found ${describeValue(id)}`);
  if (name !== undefined && !LAUNCH_TEMPLATE_NAME.test(name)) {
    throw inputError(ctx, `${at}.name`, `expected a launch template name (3 to 128 letters, digits and ( ) . - / _); found ${describeValue(name)}`);
  }
  const v = lt['version'];
  let version: string | null = null;
  if (v !== undefined && v !== null) {
    const text = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v : '';
    if (text !== '$Default' && text !== '$Latest' && !/^[1-9][0-9]*$/.test(text)) {
      throw inputError(ctx, `${at}.version`, `expected $Default, $Latest or a version number; found ${describeValue(v)}`);
    }
    version = text;
  }
  return id !== undefined ? { id, version } : { name: name as string, version };
}

/** `maxPods` only when set, so that VNGs without it compare equal to ones built before the field existed. */
function maxPodsField(v: number | null): { maxPods?: number } {
  return v === null ? {} : { maxPods: v };
}

/** Our `maxPods` field: max pods per node of the VNG (kubelet maxPods), over the old nodes' and the catalog's value. */
export const VNG_MAX_PODS_LIMIT = 1000;

function readMaxPods(ctx: ErrorContext, raw: JsonObject): number | null {
  const v = readNumber(ctx, raw, 'maxPods', 'maxPods', { integer: true, min: 1 });
  if (v === undefined) return null;
  if (v > VNG_MAX_PODS_LIMIT) throw inputError(ctx, 'maxPods', `expected a whole number from 1 to ${VNG_MAX_PODS_LIMIT}; found ${v}`);
  return v;
}

/** Parses VNGs from `text` (JSON or YAML). `file` names the input in errors. */
export function parseVngText(text: string, file: string, catalog: Catalog): VngInput {
  const doc = parseYamlDocument(text, file);
  const list = locateLaunchSpecs(doc, file);
  if (list.items.length === 0) throw fileError(file, list.prefix, 'expected at least one launch spec; found none');

  const cluster = readClusterDefaults(file, list, catalog);
  const vngs = list.items.map((raw, i) => parseLaunchSpec(raw, i, list, file, catalog, cluster));
  const firstIndexByName = new Map<string, number>();
  vngs.forEach((vng, i) => {
    const first = firstIndexByName.get(vng.name);
    if (first !== undefined) {
      throw new InputError(
        file,
        `${list.prefix}[${i}] (${vng.name})`,
        'name',
        `expected unique VNG names; found the name of ${list.prefix}[${first}] again`,
      );
    }
    firstIndexByName.set(vng.name, i);
  });
  return { vngs, subnetZones: list.subnetZones ?? {} };
}
