/**
 * Issue 13: the catalog file `catalog refresh` writes, built from EC2's answers and the bundled catalog, and read back with
 * --catalog: what each field holds and where it came from, and the one-line errors that name the file and the field.
 */
import { readFileSync } from 'node:fs';
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { bundledDataPath, catalogFromJsonText, loadCatalog, loadCatalogFile } from '../../../src/catalog/catalog.js';
import { buildRefreshedCatalog, type CatalogFacts } from '../../../src/catalog/refreshed.js';
import { InputError } from '../../../src/model/errors.js';

const bundledText = readFileSync(bundledDataPath('ec2-instance-types.json') ?? '', 'utf8');

function type(name: string, over: Partial<InstanceTypeInfo> = {}): InstanceTypeInfo {
  return {
    InstanceType: name as InstanceTypeInfo['InstanceType'],
    CurrentGeneration: true,
    BareMetal: false,
    Hypervisor: 'nitro',
    BurstablePerformanceSupported: false,
    ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
    VCpuInfo: { DefaultVCpus: 2 },
    MemoryInfo: { SizeInMiB: 8192 },
    NetworkInfo: { MaximumNetworkInterfaces: 3, MaximumNetworkCards: 1, DefaultNetworkCardIndex: 0, NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }], Ipv4AddressesPerInterface: 10 },
    ...over,
  };
}

const facts: CatalogFacts = {
  region: 'us-east-1',
  refreshedAt: '2026-12-01T10:00:00.000Z',
  instanceTypes: [
    type('m5.large'),
    // Not in the bundled catalog: max pods from the formula, no on-demand price.
    type('zz9.large', { ProcessorInfo: { SupportedArchitectures: ['arm64'] }, NetworkInfo: { MaximumNetworkInterfaces: 4, NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 4 }], Ipv4AddressesPerInterface: 15 } }),
    type('mac2.metal', { ProcessorInfo: { SupportedArchitectures: ['arm64_mac'] } }),
  ],
  offerings: [
    { instanceType: 'm5.large', zone: 'us-east-1b' },
    { instanceType: 'm5.large', zone: 'us-east-1a' },
    { instanceType: 'zz9.large', zone: 'us-east-1a' },
  ],
  spotPrices: [
    { instanceType: 'm5.large', zone: 'us-east-1a', productDescription: 'Linux/UNIX', usdPerHour: 0.04, timestamp: '2026-11-30T00:00:00.000Z' },
    { instanceType: 'm5.large', zone: 'us-east-1a', productDescription: 'Linux/UNIX', usdPerHour: 0.035, timestamp: '2026-12-01T09:00:00.000Z' },
    { instanceType: 'm5.large', zone: 'us-east-1a', productDescription: 'Windows', usdPerHour: 0.2, timestamp: '2026-12-01T09:30:00.000Z' },
    { instanceType: 'm5.large', zone: 'us-east-1b', productDescription: 'Linux/UNIX (Amazon VPC)', usdPerHour: 0.037, timestamp: '2026-12-01T08:00:00.000Z' },
  ],
  subnetZones: { 'subnet-0b': 'us-east-1b', 'subnet-0a': 'us-east-1a' },
};

describe('catalog refresh: the file built from EC2 and the bundled catalog', () => {
  const { text, summary } = buildRefreshedCatalog(facts, bundledText);
  const doc = JSON.parse(text) as { prices: Record<string, { source: string; date: string; region: string } | null>; instanceTypes: Record<string, unknown>[]; subnetZones: Record<string, string> };
  const row = (name: string): Record<string, unknown> | undefined => doc.instanceTypes.find((r) => r['name'] === name);

  it('keeps the bundled layout, one record per line, and leaves macOS types out', () => {
    expect(text.split('\n').filter((l) => l.startsWith('  {"name":')).length).toBe(2);
    expect(summary).toMatchObject({ types: 2, skipped: 1, zones: ['us-east-1a', 'us-east-1b'], spotPairs: 2, subnets: 2 });
    expect(row('mac2.metal')).toBeUndefined();
  });

  it('carries EKS max pods and the us-east-1 on-demand price over from the bundled catalog where it knows the type, labelled', () => {
    const bundled = loadCatalog().byName.get('m5.large');
    expect(row('m5.large')).toMatchObject({ vcpu: 2, memoryMiB: 8192, eksMaxPods: 29, maxPodsFormulaDefaultCardEnis: 29, onDemandUsdPerHourUsEast1: bundled?.priceUsdPerHour });
    expect(row('m5.large')?.['sources']).toMatchObject({ specs: 'ec2:DescribeInstanceTypes', maxPods: 'bundled:eksAmiMaxPods', price: 'bundled:karpenterPricing', zones: 'ec2:DescribeInstanceTypeOfferings', spotPrice: 'ec2:DescribeSpotPriceHistory' });
    expect(doc.prices['onDemand']).toMatchObject({ region: 'us-east-1', date: '2026-07-20' });
    expect(doc.prices['onDemand']?.source).toContain('bundled catalog');
  });

  it('derives max pods with the default-card ENI formula for a type the bundled catalog does not know, with no price', () => {
    expect(row('zz9.large')).toMatchObject({ architecture: 'arm64', eksMaxPods: null, maxPodsFormulaDefaultCardEnis: 4 * 14 + 2, onDemandUsdPerHourUsEast1: null });
    expect(row('zz9.large')?.['sources']).toMatchObject({ maxPods: 'formula:defaultCardMaxEnis', price: null, spotPrice: null });
    expect(loadCatalogFromText(text).byName.get('zz9.large')?.maxPods).toBe(58);
  });

  it('keeps the zones offered and the latest Linux Spot price per zone', () => {
    expect(row('m5.large')?.['zones']).toEqual(['us-east-1a', 'us-east-1b']);
    expect(row('m5.large')?.['spotUsdPerHour']).toEqual({ 'us-east-1a': 0.035, 'us-east-1b': 0.037 });
    expect(doc.prices['spot']).toEqual({ source: 'ec2:DescribeSpotPriceHistory, the latest Linux/UNIX price per type and zone', region: 'us-east-1', date: '2026-12-01T10:00:00.000Z' });
    expect(doc.subnetZones).toEqual({ 'subnet-0a': 'us-east-1a', 'subnet-0b': 'us-east-1b' });
  });

  it('reads back as a catalog with offerings, Spot prices, subnet zones and where its prices came from', () => {
    const c = loadCatalogFromText(text);
    expect(c.region).toBe('us-east-1');
    expect([...(c.offerings?.get('m5.large') ?? [])]).toEqual(['us-east-1a', 'us-east-1b']);
    expect(c.spotPrices?.get('m5.large')?.get('us-east-1b')).toBe(0.037);
    expect(c.spotPrices?.has('zz9.large')).toBe(false);
    expect(c.subnetZones).toEqual({ 'subnet-0a': 'us-east-1a', 'subnet-0b': 'us-east-1b' });
    expect(c.info).toMatchObject({ file: 'cat.json', region: 'us-east-1', refreshedAt: '2026-12-01T10:00:00.000Z' });
    expect(c.onDemandRegion).toBeUndefined();
  });

  it('records that the on-demand prices are another region\'s when the refresh was of another region', () => {
    const { text: eu } = buildRefreshedCatalog({ ...facts, region: 'eu-west-1', offerings: [], spotPrices: [], subnetZones: {} }, bundledText);
    const c = loadCatalogFromText(eu);
    expect(c.region).toBe('eu-west-1');
    expect(c.onDemandRegion).toBe('us-east-1');
    expect(c.info?.spot).toBeNull();
    expect(c.spotPrices?.size).toBe(0);
  });
});

function loadCatalogFromText(text: string) {
  return catalogFromJsonText(text, 'cat.json');
}

describe('--catalog FILE: validation names the file and the field', () => {
  const { text } = buildRefreshedCatalog(facts, bundledText);
  const edit = (f: (doc: Record<string, unknown>) => void): string => {
    const doc = JSON.parse(text) as Record<string, unknown>;
    f(doc);
    return JSON.stringify(doc);
  };
  const message = (t: string): string => {
    try {
      catalogFromJsonText(t, 'cat.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  const rows = (doc: Record<string, unknown>): Record<string, unknown>[] => doc['instanceTypes'] as Record<string, unknown>[];

  it('a zone that is not one', () => {
    expect(message(edit((d) => void ((rows(d)[0] as Record<string, unknown>)['zones'] = ['nowhere'])))).toBe(
      'cat.json: instanceTypes[0] (m5.large): zones[0]: an availability zone like us-east-1a',
    );
  });

  it("a zone of another region", () => {
    expect(message(edit((d) => void ((rows(d)[0] as Record<string, unknown>)['spotUsdPerHour'] = { 'us-west-2a': 0.1 })))).toBe(
      'cat.json: instanceTypes[0] (m5.large): zones: expected zones of us-east-1; found us-west-2a',
    );
  });

  it('a record without zones in a refreshed catalog', () => {
    expect(message(edit((d) => void delete (rows(d)[1] as Record<string, unknown>)['zones']))).toMatch(/^cat\.json: instanceTypes\[1\] \(zz9\.large\): zones: expected the zones/);
  });

  it('a negative Spot price', () => {
    expect(message(edit((d) => void ((rows(d)[0] as Record<string, unknown>)['spotUsdPerHour'] = { 'us-east-1a': -1 })))).toMatch(/^cat\.json: instanceTypes\[0\] \(m5\.large\): spotUsdPerHour\.us-east-1a: /);
  });

  it('a refresh time that is not one, and a price source without a date', () => {
    expect(message(edit((d) => void (d['refreshedAt'] = 'yesterday')))).toMatch(/^cat\.json: refreshedAt: /);
    expect(message(edit((d) => void delete ((d['prices'] as Record<string, Record<string, unknown>>)['onDemand'] as Record<string, unknown>)['date']))).toMatch(/^cat\.json: prices\.onDemand\.date: /);
  });

  it('a subnet in a zone of another region', () => {
    expect(message(edit((d) => void (d['subnetZones'] = { 'subnet-0a': 'eu-west-1a' })))).toBe('cat.json: subnetZones: subnet-0a: expected a zone of us-east-1; found eu-west-1a');
  });

  it('a file that is missing or not JSON', () => {
    expect(() => loadCatalogFile('/nonexistent/cat.json')).toThrow('/nonexistent/cat.json: cannot read the catalog file (ENOENT)');
    expect(message('{')).toMatch(/^cat\.json: expected JSON; /);
  });

  it('the bundled catalog has no offerings, Spot prices or catalog info', () => {
    const c = loadCatalog();
    expect(c.offerings).toBeUndefined();
    expect(c.spotPrices).toBeUndefined();
    expect(c.info).toBeUndefined();
  });
});
