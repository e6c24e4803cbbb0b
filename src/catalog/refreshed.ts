/**
 * The catalog file `vngshift catalog refresh` writes, built from what EC2 answered (src/live/aws/catalog-facts.ts) and the
 * bundled catalog. Pure: the facts and the bundled file's text in, the file's text out.
 *
 * The file has the bundled catalog's layout (one record per type, the fields catalog.ts reads), plus:
 * - `region` (the one EC2 was asked about), `refreshedAt`, and `prices`, where each kind of price came from and as of when;
 * - per type, `zones` (DescribeInstanceTypeOfferings by availability zone) and `spotUsdPerHour` (zone -> the latest Linux
 *   Spot price, DescribeSpotPriceHistory), with `sources` saying where every field came from;
 * - `subnetZones`, the zones of the VNGs' subnets (DescribeSubnets), which VNG files may then leave out.
 * Specs and ENI limits are EC2's own; EKS max pods and the on-demand price are the bundled file's where it knows the type
 * (the price stays us-east-1's list price, labelled as such), else max pods come from the ENI formula and the price is null.
 */
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { CATALOG_FILE, type PriceSource } from './catalog.js';

/** What the refresh read from EC2. */
export interface CatalogFacts {
  readonly region: string;
  /** When the refresh ran (ISO 8601). */
  readonly refreshedAt: string;
  readonly instanceTypes: readonly InstanceTypeInfo[];
  /** One entry per (type, zone) offering. */
  readonly offerings: readonly { readonly instanceType: string; readonly zone: string }[];
  /** Spot price history entries (any order; the latest per type and zone wins). */
  readonly spotPrices: readonly { readonly instanceType: string; readonly zone: string; readonly productDescription: string; readonly usdPerHour: number; readonly timestamp: string }[];
  /** Subnet id -> zone. */
  readonly subnetZones: Readonly<Record<string, string>>;
}

/** The Spot products counted as Linux (EC2 answers either, depending on the account's platform). */
export const LINUX_SPOT_PRODUCTS: readonly string[] = ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'];

/** EC2's calls behind each field, as the file names them. */
const FROM_EC2 = 'ec2:DescribeInstanceTypes';
const SPOT_SOURCE = 'ec2:DescribeSpotPriceHistory, the latest Linux/UNIX price per type and zone';

interface BundledRow {
  readonly name: string;
  readonly eksMaxPods?: number | null;
  readonly onDemandUsdPerHourUsEast1?: number | null;
  readonly sources?: { readonly maxPods?: string | null; readonly price?: string | null };
}

interface BundledDoc {
  readonly extractedAt?: string;
  readonly sources?: Record<string, { readonly date?: string; readonly repo?: string; readonly path?: string; readonly commit?: string }>;
  readonly eksNodeDefaults?: unknown;
  readonly instanceTypes?: readonly BundledRow[];
}

export interface RefreshSummary {
  readonly types: number;
  readonly zones: readonly string[];
  readonly spotPairs: number;
  readonly spotLatest: string | null;
  readonly subnets: number;
  /** Types EC2 listed that the file leaves out (macOS hosts, no Linux architecture, no vCPU or memory figure). */
  readonly skipped: number;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The on-demand price source: the bundled file's price table (us-east-1). */
export function bundledOnDemandSource(bundled: BundledDoc): PriceSource {
  const pricing = bundled.sources?.['karpenterPricing'];
  const date = pricing?.date ?? bundled.extractedAt ?? '1970-01-01';
  return {
    source: `the bundled catalog (${CATALOG_FILE}): Karpenter's built-in us-east-1 on-demand Linux price table, not a live price list`,
    region: 'us-east-1',
    date,
  };
}

function architectureOf(t: InstanceTypeInfo): 'amd64' | 'arm64' | null {
  const archs = t.ProcessorInfo?.SupportedArchitectures ?? [];
  if (archs.includes('arm64')) return 'arm64';
  if (archs.includes('x86_64')) return 'amd64';
  return null;
}

/** One record of the file for an EC2 instance type; null when the file leaves the type out. */
function rowOf(
  t: InstanceTypeInfo,
  bundled: ReadonlyMap<string, BundledRow>,
  zones: ReadonlySet<string> | undefined,
  spot: ReadonlyMap<string, number> | undefined,
): Record<string, unknown> | null {
  const name = t.InstanceType ?? '';
  const dot = name.indexOf('.');
  const arch = architectureOf(t);
  const vcpu = t.VCpuInfo?.DefaultVCpus;
  const memoryMiB = t.MemoryInfo?.SizeInMiB;
  if (dot <= 0 || name.startsWith('mac') || arch === null || vcpu === undefined || memoryMiB === undefined || vcpu <= 0 || memoryMiB <= 0) return null;
  const net = t.NetworkInfo;
  const cards = net?.NetworkCards ?? [];
  const defaultIndex = net?.DefaultNetworkCardIndex ?? 0;
  const maxEnis = net?.MaximumNetworkInterfaces ?? null;
  const defaultCardMaxEnis = cards.find((c) => (c.NetworkCardIndex ?? 0) === defaultIndex)?.MaximumNetworkInterfaces ?? maxEnis;
  const ipv4PerEni = net?.Ipv4AddressesPerInterface ?? null;
  // The EKS formula the bundled data uses: ENIs of the default card x (IPv4 per ENI - 1) + 2.
  const formula = defaultCardMaxEnis !== null && ipv4PerEni !== null && ipv4PerEni > 1 ? defaultCardMaxEnis * (ipv4PerEni - 1) + 2 : null;
  const gpus = t.GpuInfo?.Gpus ?? [];
  const neuron = t.NeuronInfo?.NeuronDevices ?? [];
  const known = bundled.get(name);
  const eksMaxPods = known?.eksMaxPods ?? null;
  const price = known?.onDemandUsdPerHourUsEast1 ?? null;
  const spotEntries = [...(spot ?? new Map<string, number>()).entries()].sort((a, b) => byName(a[0], b[0]));
  return {
    name,
    family: name.slice(0, dot),
    size: name.slice(dot + 1),
    vcpu,
    memoryMiB,
    architecture: arch,
    gpuCount: gpus.reduce((s, g) => s + (g.Count ?? 0), 0),
    gpuManufacturer: gpus[0]?.Manufacturer ?? null,
    gpuName: gpus[0]?.Name ?? null,
    gpuMemoryMiBTotal: t.GpuInfo?.TotalGpuMemoryInMiB ?? null,
    neuronDeviceCount: neuron.reduce((s, d) => s + (d.Count ?? 0), 0),
    neuronDeviceName: neuron[0]?.Name ?? null,
    maxEnis,
    networkCards: net?.MaximumNetworkCards ?? null,
    defaultCardMaxEnis,
    ipv4PerEni,
    eksMaxPods,
    maxPodsFormulaDefaultCardEnis: formula,
    onDemandUsdPerHourUsEast1: price,
    bareMetal: t.BareMetal === true,
    hypervisor: t.Hypervisor ?? null,
    burstable: t.BurstablePerformanceSupported === true,
    currentGeneration: t.CurrentGeneration === true,
    instanceStorageGB: t.InstanceStorageInfo?.TotalSizeInGB ?? 0,
    networkPerformance: net?.NetworkPerformance ?? null,
    zones: [...(zones ?? new Set<string>())].sort(byName),
    spotUsdPerHour: Object.fromEntries(spotEntries),
    sources: {
      specs: FROM_EC2,
      network: FROM_EC2,
      maxPods: eksMaxPods !== null ? `bundled:${known?.sources?.maxPods ?? 'eksMaxPods'}` : formula !== null ? 'formula:defaultCardMaxEnis' : null,
      price: price !== null ? `bundled:${known?.sources?.price ?? 'onDemandUsdPerHourUsEast1'}` : null,
      zones: 'ec2:DescribeInstanceTypeOfferings',
      spotPrice: spotEntries.length > 0 ? 'ec2:DescribeSpotPriceHistory' : null,
    },
  };
}

/** The catalog file's text (JSON: the header indented, one record per line, as the bundled file). */
export function buildRefreshedCatalog(facts: CatalogFacts, bundledText: string): { text: string; summary: RefreshSummary } {
  const bundled = JSON.parse(bundledText) as BundledDoc;
  const bundledRows = new Map((bundled.instanceTypes ?? []).map((r) => [r.name, r]));
  const zonesOf = new Map<string, Set<string>>();
  const allZones = new Set<string>();
  for (const o of facts.offerings) {
    const set = zonesOf.get(o.instanceType) ?? new Set<string>();
    set.add(o.zone);
    zonesOf.set(o.instanceType, set);
    allZones.add(o.zone);
  }
  // The latest Linux price per (type, zone); at equal times the lower price, so the answer's order does not matter.
  const latest = new Map<string, Map<string, { usd: number; at: string }>>();
  let spotLatest: string | null = null;
  for (const p of facts.spotPrices) {
    if (!LINUX_SPOT_PRODUCTS.includes(p.productDescription) || !Number.isFinite(p.usdPerHour) || p.usdPerHour < 0) continue;
    const perZone = latest.get(p.instanceType) ?? new Map<string, { usd: number; at: string }>();
    const had = perZone.get(p.zone);
    if (had === undefined || p.timestamp > had.at || (p.timestamp === had.at && p.usdPerHour < had.usd)) perZone.set(p.zone, { usd: p.usdPerHour, at: p.timestamp });
    latest.set(p.instanceType, perZone);
    if (spotLatest === null || p.timestamp > spotLatest) spotLatest = p.timestamp;
  }
  const rows: Record<string, unknown>[] = [];
  let skipped = 0;
  let spotPairs = 0;
  const sorted = [...facts.instanceTypes].sort((a, b) => byName(a.InstanceType ?? '', b.InstanceType ?? ''));
  const seen = new Set<string>();
  for (const t of sorted) {
    const name = t.InstanceType ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    const spot = latest.get(name);
    const perZone = spot === undefined ? undefined : new Map([...spot.entries()].map(([z, v]) => [z, v.usd]));
    const row = rowOf(t, bundledRows, zonesOf.get(name), perZone);
    if (row === null) {
      skipped += 1;
      continue;
    }
    spotPairs += perZone?.size ?? 0;
    rows.push(row);
  }
  const onDemand = bundledOnDemandSource(bundled);
  const spotSource: PriceSource | null = spotPairs > 0 ? { source: SPOT_SOURCE, region: facts.region, date: facts.refreshedAt } : null;
  const subnetZones = Object.fromEntries(Object.entries(facts.subnetZones).sort((a, b) => byName(a[0], b[0])));
  const header = {
    schemaVersion: 1,
    region: facts.region,
    refreshedAt: facts.refreshedAt,
    refreshedWith: [
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstanceTypeOfferings (LocationType availability-zone)',
      'ec2:DescribeSpotPriceHistory (StartTime the refresh time, Linux/UNIX)',
      ...(Object.keys(subnetZones).length > 0 ? ['ec2:DescribeSubnets'] : []),
    ],
    prices: { onDemand, spot: spotSource },
    spotPriceLatestChange: spotLatest,
    excluded: 'mac* families (macOS dedicated hosts, not EKS Linux workers) and types with no x86_64 or arm64 architecture',
    bundledSources: bundled.sources ?? {},
    eksNodeDefaults: bundled.eksNodeDefaults ?? null,
    subnetZones,
    count: rows.length,
  };
  const head = JSON.stringify(header, null, 1);
  const text = `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n "instanceTypes": [\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]\n}\n`;
  return {
    text,
    summary: { types: rows.length, zones: [...allZones].sort(byName), spotPairs, spotLatest, subnets: Object.keys(subnetZones).length, skipped },
  };
}
