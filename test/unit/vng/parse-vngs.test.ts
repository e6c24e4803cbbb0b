import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { InputError } from '../../../src/model/errors.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';

const catalog = loadCatalog();
const FILE = 'vngs.json';

function parse(doc: unknown): ReturnType<typeof parseVngText> {
  return parseVngText(JSON.stringify(doc), FILE, catalog);
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

const small = { name: 'small', instanceTypes: ['m5.large', 'm5.xlarge'] };

describe('parseVngText: layouts', () => {
  it('reads a bare list', () => {
    const out = parse([small]);
    expect(out.vngs.map((v) => v.name)).toEqual(['small']);
    expect(out.subnetZones).toEqual({});
  });

  it('reads {launchSpecs} with subnetZones', () => {
    const out = parse({
      launchSpecs: [{ ...small, subnetIds: ['subnet-2', 'subnet-1'] }],
      subnetZones: { 'subnet-1': 'us-east-1a', 'subnet-2': 'us-east-1b' },
    });
    expect(out.vngs[0]?.zones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(out.vngs[0]?.subnetIds).toEqual(['subnet-1', 'subnet-2']);
    expect(out.subnetZones).toEqual({ 'subnet-1': 'us-east-1a', 'subnet-2': 'us-east-1b' });
  });

  it('reads the Spot API answer and skips fields it does not know', () => {
    const out = parse({
      request: { id: 'req-1', url: '/ocean/aws/k8s/launchSpec', method: 'GET' },
      response: {
        status: { code: 200, message: 'OK' },
        kind: 'spotinst:ocean:aws:k8s:launchSpec',
        items: [{ ...small, id: 'ols-123', someNewApiField: { x: 1 } }],
        count: 1,
      },
    });
    expect(out.vngs[0]?.id).toBe('ols-123');
  });

  it('skips unknown filter fields in the API layout but not in hand-written files', () => {
    const spec = { name: 'f', instanceTypesFilters: { includeFamilies: ['c5'], newFilter: 1 } };
    const out = parse({ response: { items: [spec] } });
    expect(out.vngs[0]?.instanceTypes).toContain('c5.large');
    expect(errorOf(() => parse([spec])).field).toBe('instanceTypesFilters.newFilter');
  });

  it('reads YAML', () => {
    const yaml = [
      'launchSpecs:',
      '  - name: web',
      '    labels:',
      '      - key: app',
      '        value: web',
      '    taints:',
      '      - {key: dedicated, value: web, effect: NoExecute}',
      '    instanceTypes: [m5.large]',
      '    resourceLimits: {minInstanceCount: 2, maxInstanceCount: 5}',
      '    rootVolumeSize: 40',
    ].join('\n');
    const [vng] = parseVngText(yaml, 'vngs.yaml', catalog).vngs;
    expect(vng).toEqual({
      id: null,
      name: 'web',
      labels: { app: 'web' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoExecute' }],
      instanceTypes: ['m5.large'],
      zones: [],
      subnetIds: [],
      minInstanceCount: 2,
      maxInstanceCount: 5,
      maxVCpu: null,
      maxMemoryGiB: null,
      rootVolumeSizeGiB: 40,
      preferredSpotTypes: [],
    });
  });

  it('names response.items in errors for the API layout', () => {
    const e = errorOf(() => parse({ response: { items: [{ name: 'x', instanceTypes: ['m5.huge'] }] } }));
    expect(e.object).toBe('response.items[0] (x)');
  });
});

describe('parseVngText: the basic fixture', () => {
  const text = readFileSync(new URL('../../fixtures/vngs/basic.json', import.meta.url), 'utf8');
  const { vngs, subnetZones } = parseVngText(text, 'basic.json', catalog);
  const byName = new Map(vngs.map((v) => [v.name, v]));

  it('holds three VNGs in file order', () => {
    expect(vngs.map((v) => v.name)).toEqual(['general', 'batch', 'gpu']);
    expect(Object.keys(subnetZones)).toHaveLength(3);
  });

  it('resolves the general VNG from its filters', () => {
    const general = byName.get('general');
    expect(general?.instanceTypes).toContain('m5.xlarge');
    expect(general?.instanceTypes).toContain('m6i.4xlarge');
    expect(general?.instanceTypes).toContain('m5d.large');
    expect(general?.instanceTypes).not.toContain('m5.metal');
    expect(general?.instanceTypes).not.toContain('m5.8xlarge'); // 32 vCPU, above maxVcpu 16
    expect(general?.instanceTypes).not.toContain('m6a.large'); // family not included
    expect(general?.zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(general?.rootVolumeSizeGiB).toBe(50);
    expect(general).toMatchObject({ minInstanceCount: 1, maxInstanceCount: 20, id: 'ols-0a1b2c3d' });
  });

  it('keeps the batch VNG taint, labels and sorted allow list', () => {
    const batch = byName.get('batch');
    expect(batch?.taints).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
    expect(batch?.labels).toEqual({ 'vngshift.io/pool': 'batch', 'workload-type': 'batch' });
    expect(batch?.instanceTypes).toEqual(['c5.2xlarge', 'c5.xlarge', 'c6i.2xlarge']);
    expect(batch?.preferredSpotTypes).toEqual(['c5.2xlarge']);
    expect(batch?.zones).toEqual(['us-east-1a', 'us-east-1b']);
  });

  it('reads the GPU VNG caps', () => {
    const gpu = byName.get('gpu');
    expect(gpu).toMatchObject({ maxVCpu: 64, maxMemoryGiB: 256, maxInstanceCount: 4, minInstanceCount: 0, zones: ['us-east-1c'] });
    expect(gpu?.taints[0]).toEqual({ key: 'nvidia.com/gpu', value: '', effect: 'NoSchedule' });
  });
});

describe('parseVngText: instance type resolution', () => {
  it('applies a vCPU range, a category and excludeMetal on real names', () => {
    const [vng] = parse([
      { name: 'mid', instanceTypesFilters: { minVcpu: 4, maxVcpu: 8, categories: ['General_purpose'], excludeMetal: true } },
    ]).vngs;
    expect(vng?.instanceTypes).toContain('m5.xlarge');
    expect(vng?.instanceTypes).toContain('m5.2xlarge');
    expect(vng?.instanceTypes).not.toContain('m5.large');
    expect(vng?.instanceTypes).not.toContain('c5.xlarge');
    const names = vng?.instanceTypes ?? [];
    expect(names).toEqual([...names].sort());
    for (const n of names) {
      const it = catalog.byName.get(n);
      expect(it?.vcpu).toBeGreaterThanOrEqual(4);
      expect(it?.vcpu).toBeLessThanOrEqual(8);
      expect(it?.bareMetal).toBe(false);
    }
  });

  it('applies memory, GPU, family exclusion and architecture filters', () => {
    const [vng] = parse([
      {
        name: 'gpu',
        instanceTypesFilters: {
          includeFamilies: ['g*'],
          excludeFamilies: ['G4*'],
          minGpu: 1,
          maxGpu: 1,
          minMemoryGiB: 16,
          maxMemoryGiB: 32,
          architectures: ['x86_64'],
        },
      },
    ]).vngs;
    expect(vng?.instanceTypes).toEqual(['g5.2xlarge', 'g5.xlarge', 'g6.2xlarge', 'g6.xlarge', 'g6e.xlarge', 'g7.2xlarge']);
    expect(vng?.instanceTypes.some((n) => n.startsWith('g4'))).toBe(false);
    expect(vng?.instanceTypes.some((n) => n.startsWith('g5g'))).toBe(false); // arm64 excluded
    for (const n of vng?.instanceTypes ?? []) {
      const it = catalog.byName.get(n);
      expect(it?.gpuCount).toBe(1);
      expect((it?.memoryMiB ?? 0) / 1024).toBeGreaterThanOrEqual(16);
      expect((it?.memoryMiB ?? 0) / 1024).toBeLessThanOrEqual(32);
    }
  });

  it("refuses a VNG without a list of its own when no Ocean cluster list is given (Ocean would not launch every catalog type)", () => {
    const e = errorOf(() => parse({ launchSpecs: [{ name: 'any' }] }));
    expect(e).toMatchObject({ file: FILE, object: 'launchSpecs[0] (any)', field: 'instanceTypes' });
    expect(e.problem).toMatch(/cluster/);
    // A cluster object with no instanceTypes gives no list either.
    const e2 = errorOf(() => parse({ launchSpecs: [{ name: 'any' }], cluster: { compute: { subnetIds: ['subnet-1'] } } }));
    expect(e2).toMatchObject({ object: 'launchSpecs[0] (any)', field: 'instanceTypes' });
  });

  it("gives a VNG without a list the Ocean cluster's whitelist (Spot API cluster shape)", () => {
    const out = parse({
      cluster: { id: 'o-1', name: 'prod', region: 'us-east-1', compute: { instanceTypes: { whitelist: ['m5.xlarge', 'm5.large'] } } },
      launchSpecs: [{ name: 'any' }, small],
    });
    expect(out.vngs[0]?.instanceTypes).toEqual(['m5.large', 'm5.xlarge']);
    expect(out.vngs[1]?.instanceTypes).toEqual(['m5.large', 'm5.xlarge']);
  });

  it("gives a VNG without a list the catalog less the Ocean cluster's blacklist", () => {
    const [vng] = parse({ oceanCluster: { compute: { instanceTypes: { blacklist: ['m5.large', 't3.nano'] } } }, launchSpecs: [{ name: 'any' }] }).vngs;
    expect(vng?.instanceTypes).toHaveLength(catalog.types.length - 2);
    expect(vng?.instanceTypes).not.toContain('m5.large');
    expect(vng?.instanceTypes).toContain('m5.xlarge');
  });

  it("gives a VNG without a list the catalog types passing the Ocean cluster's filters, as VNG filters do", () => {
    const doc = { cluster: { compute: { instanceTypes: { filters: { includeFamilies: ['c5'], maxVcpu: 4 } } } }, launchSpecs: [{ name: 'any' }] };
    const [vng] = parse(doc).vngs;
    const [same] = parse([{ name: 'own', instanceTypesFilters: { includeFamilies: ['c5'], maxVcpu: 4 } }]).vngs;
    expect(vng?.instanceTypes).toEqual(['c5.large', 'c5.xlarge']);
    expect(vng?.instanceTypes).toEqual(same?.instanceTypes);
  });

  it("reads the Ocean cluster from the Spot API answer layout too, and its root volume for VNGs without one", () => {
    const out = parse({
      response: { items: [{ name: 'any' }, { name: 'big-disk', rootVolumeSize: 100 }] },
      cluster: { compute: { instanceTypes: { whitelist: ['m5.large'] }, launchSpecification: { rootVolumeSize: 50, imageId: 'ami-1' } } },
    });
    expect(out.vngs.map((v) => [v.instanceTypes, v.rootVolumeSizeGiB])).toEqual([
      [['m5.large'], 50],
      [['m5.large'], 100],
    ]);
  });

  it('accepts filters Ocean has that we do not apply', () => {
    const [vng] = parse([{ name: 'x', instanceTypesFilters: { includeFamilies: ['c5'], hypervisor: ['nitro'], isEnaSupported: true } }]).vngs;
    expect(vng?.instanceTypes).toContain('c5.large');
    expect(vng?.instanceTypes.every((n) => n.startsWith('c5.'))).toBe(true);
  });

  it('accepts and ignores known Spot fields', () => {
    const [vng] = parse([{ ...small, imageId: 'ami-1', userData: 'abc', autoScale: { headrooms: [] }, restrictScaleDown: true }]).vngs;
    expect(vng?.instanceTypes).toEqual(['m5.large', 'm5.xlarge']);
  });
});

describe('parseVngText: errors', () => {
  it.each<[string, unknown, string, string, RegExp]>([
    ['unknown allow-list type', [{ name: 'a', instanceTypes: ['m5.large', 'm5.giant'] }], 'launchSpecs[0] (a)', 'instanceTypes[1]', /m5\.giant/],
    ['missing name', [{ instanceTypes: ['m5.large'] }], 'launchSpecs[0]', 'name', /name/],
    ['duplicate name', [small, small], 'launchSpecs[1] (small)', 'name', /unique/],
    ['bad taint effect', [{ name: 'a', taints: [{ key: 'k', value: 'v', effect: 'NoRun' }] }], 'launchSpecs[0] (a)', 'taints[0].effect', /NoSchedule/],
    ['duplicate taint', [{ name: 'a', taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'x', effect: 'NoSchedule' }] }], 'launchSpecs[0] (a)', 'taints[1]', /twice/],
    ['label value not a string', [{ name: 'a', labels: [{ key: 'tier', value: 1 }] }], 'launchSpecs[0] (a)', 'labels[0].value', /quote/],
    ['bad label key', [{ name: 'a', labels: [{ key: 'bad key', value: 'x' }] }], 'launchSpecs[0] (a)', 'labels[0].key', /Kubernetes key/],
    ['duplicate label key', [{ name: 'a', labels: [{ key: 'k', value: 'x' }, { key: 'k', value: 'y' }] }], 'launchSpecs[0] (a)', 'labels[1].key', /unique/],
    ['bad category', [{ name: 'a', instanceTypesFilters: { categories: ['Fast'] } }], 'launchSpecs[0] (a)', 'instanceTypesFilters.categories[0]', /General_purpose/],
    ['negative minVcpu', [{ name: 'a', instanceTypesFilters: { minVcpu: -1 } }], 'launchSpecs[0] (a)', 'instanceTypesFilters.minVcpu', /0 or more/],
    ['min above max', [{ name: 'a', instanceTypesFilters: { minVcpu: 8, maxVcpu: 4 } }], 'launchSpecs[0] (a)', 'instanceTypesFilters.maxVcpu', /minVcpu/],
    ['unknown filter', [{ name: 'a', instanceTypesFilters: { minCpu: 2 } }], 'launchSpecs[0] (a)', 'instanceTypesFilters.minCpu', /unknown/],
    ['bad architecture', [{ name: 'a', instanceTypesFilters: { architectures: ['x86'] } }], 'launchSpecs[0] (a)', 'instanceTypesFilters.architectures[0]', /amd64/],
    ['no usable type', [{ name: 'a', instanceTypesFilters: { includeFamilies: ['m5'], minGpu: 1 } }], 'launchSpecs[0] (a)', 'instanceTypesFilters', /no usable instance type/],
    ['list and filters', [{ name: 'a', instanceTypes: ['m5.large'], instanceTypesFilters: { minVcpu: 2 } }], 'launchSpecs[0] (a)', 'instanceTypesFilters', /either/],
    ['unknown field', [{ name: 'a', instanceType: ['m5.large'] }], 'launchSpecs[0] (a)', 'instanceType', /unknown field/],
    ['min above max count', [{ name: 'a', instanceTypes: ['m5.large'], resourceLimits: { minInstanceCount: 3, maxInstanceCount: 1 } }], 'launchSpecs[0] (a)', 'resourceLimits.maxInstanceCount', /minInstanceCount/],
    ['fractional count', [{ name: 'a', instanceTypes: ['m5.large'], resourceLimits: { maxInstanceCount: 1.5 } }], 'launchSpecs[0] (a)', 'resourceLimits.maxInstanceCount', /whole number/],
    ['zero root volume', [{ name: 'a', instanceTypes: ['m5.large'], rootVolumeSize: 0 }], 'launchSpecs[0] (a)', 'rootVolumeSize', /greater than 0/],
    ['bad maxVCpu', [{ name: 'a', instanceTypes: ['m5.large'], maxVCpu: 'lots' }], 'launchSpecs[0] (a)', 'maxVCpu', /number/],
    ['preferred type outside the VNG', [{ ...small, preferredSpotTypes: ['c5.large'] }], 'launchSpecs[0] (small)', 'preferredSpotTypes[0]', /cannot launch/],
    ['preferred type unknown', [{ ...small, preferredSpotTypes: ['zz.large'] }], 'launchSpecs[0] (small)', 'preferredSpotTypes[0]', /unknown type/],
    ['spec not an object', ['web'], 'launchSpecs[0]', '', /launch spec object/],
    ['maxPods not a whole number', [{ ...small, maxPods: 110.5 }], 'launchSpecs[0] (small)', 'maxPods', /whole number/],
    ['maxPods zero', [{ ...small, maxPods: 0 }], 'launchSpecs[0] (small)', 'maxPods', /1 or more/],
    ['maxPods too high', [{ ...small, maxPods: 5000 }], 'launchSpecs[0] (small)', 'maxPods', /1 to 1000/],
    ['spotPercentage above 100', [{ ...small, strategy: { spotPercentage: 120 } }], 'launchSpecs[0] (small)', 'strategy.spotPercentage', /0 to 100/],
    ['spotPercentage not a number', [{ ...small, strategy: { spotPercentage: 'most' } }], 'launchSpecs[0] (small)', 'strategy.spotPercentage', /number/],
    ['cluster spotPercentage negative', { cluster: { strategy: { spotPercentage: -1 } }, launchSpecs: [small] }, 'cluster', 'strategy.spotPercentage', /0 or more/],
    ['cluster whitelist and blacklist', { cluster: { compute: { instanceTypes: { whitelist: ['m5.large'], blacklist: ['c5.large'] } } }, launchSpecs: [small] }, 'cluster', 'compute.instanceTypes.blacklist', /only one/],
    ['cluster whitelist unknown type', { cluster: { compute: { instanceTypes: { whitelist: ['m5.giant'] } } }, launchSpecs: [small] }, 'cluster', 'compute.instanceTypes.whitelist[0]', /m5\.giant/],
    ['cluster filter typo', { oceanCluster: { compute: { instanceTypes: { filters: { minCpu: 2 } } } }, launchSpecs: [small] }, 'oceanCluster', 'compute.instanceTypes.filters.minCpu', /unknown/],
    ['cluster instanceTypes typo', { cluster: { compute: { instanceTypes: { allowlist: ['m5.large'] } } }, launchSpecs: [small] }, 'cluster', 'compute.instanceTypes.allowlist', /unknown/],
    ['cluster filters that match nothing', { cluster: { compute: { instanceTypes: { filters: { includeFamilies: ['m5'], minGpu: 1 } } } }, launchSpecs: [small] }, 'cluster', 'compute.instanceTypes.filters', /no usable instance type/],
    ['cluster not an object', { cluster: 'o-123', launchSpecs: [small] }, 'cluster', '', /cluster object/],
  ])('%s', (_label, doc, object, field, problem) => {
    const e = errorOf(() => parse(doc));
    expect(e.file).toBe(FILE);
    expect(e.object).toBe(object);
    expect(e.field).toBe(field);
    expect(e.problem).toMatch(problem);
  });

  it('names a subnet missing from subnetZones', () => {
    const e = errorOf(() =>
      parse({ launchSpecs: [{ ...small, subnetIds: ['subnet-1', 'subnet-9'] }], subnetZones: { 'subnet-1': 'us-east-1a' } }),
    );
    expect(e).toMatchObject({ file: FILE, object: 'launchSpecs[0] (small)', field: 'subnetIds[1]' });
    expect(e.problem).toMatch(/subnet-9/);
  });

  it('rejects a bad zone in subnetZones', () => {
    const e = errorOf(() => parse({ launchSpecs: [small], subnetZones: { 'subnet-1': 3 } }));
    expect(e).toMatchObject({ object: 'subnetZones', field: 'subnet-1' });
  });

  it('rejects an unknown layout, an empty list, a stray top-level field and bad syntax', () => {
    expect(errorOf(() => parse({ specs: [] })).problem).toMatch(/launchSpecs/);
    expect(errorOf(() => parse([])).problem).toMatch(/at least one/);
    expect(errorOf(() => parse({ launchSpecs: [small], zones: {} })).field).toBe('zones');
    const syntax = errorOf(() => parseVngText('launchSpecs: [\n  - name: a', 'bad.yaml', catalog));
    expect(syntax.file).toBe('bad.yaml');
    expect(syntax.problem).toMatch(/YAML or JSON; found a syntax error at line \d+/);
    expect(errorOf(() => parseVngText('', 'empty.yaml', catalog)).problem).toMatch(/found nothing|found null/);
  });
});

describe("parseVngText: Ocean's strategy.spotPercentage", () => {
  it("reads the VNG's own, else its cluster's, and leaves it out when neither states one", () => {
    const own = parse({ cluster: { strategy: { spotPercentage: 100, fallbackToOd: true } }, launchSpecs: [{ ...small, strategy: { spotPercentage: 40, drainingTimeout: 120 } }, { ...small, name: 'inherits' }] });
    expect(own.vngs.map((v) => v.spotPercentage)).toEqual([40, 100]);
    expect(parse([small]).vngs[0]).not.toHaveProperty('spotPercentage');
  });
});

describe('parseVngText: maxPods (our VNG field)', () => {
  it('reads maxPods when set and leaves it out otherwise', () => {
    const out = parse([{ ...small, maxPods: 110 }, { ...small, name: 'plain' }]);
    expect(out.vngs[0]?.maxPods).toBe(110);
    expect(out.vngs[1]).not.toHaveProperty('maxPods');
  });
});

describe('parseVngText: launchTemplate (our field, for run --capacity ec2)', () => {
  it('reads an id or a name, with an optional version ($Default, $Latest or a number); absent, the VNG has none', () => {
    const out = parse([
      { ...small, name: 'by-id', launchTemplate: { id: 'lt-0123456789abcdef0', version: '$Default' } },
      { ...small, name: 'by-name', launchTemplate: { name: 'eks-nodes/general', version: 3 } },
      { ...small, name: 'no-version', launchTemplate: { name: 'nodes' } },
      small,
    ]);
    expect(out.vngs.map((v) => v.launchTemplate)).toEqual([
      { id: 'lt-0123456789abcdef0', version: '$Default' },
      { name: 'eks-nodes/general', version: '3' },
      { name: 'nodes', version: null },
      undefined,
    ]);
  });

  it.each([
    [{ id: 'lt-0123456789abcdef0', name: 'nodes' }, 'launchTemplate.name', /either id or name/],
    [{ version: '$Latest' }, 'launchTemplate.id', /id \(lt-\.\.\.\) or its name; found neither/],
    [{ id: 'ami-12345678' }, 'launchTemplate.id', /launch template id such as lt-/],
    [{ name: 'x' }, 'launchTemplate.name', /3 to 128/],
    [{ id: 'lt-0123456789abcdef0', version: 'latest' }, 'launchTemplate.version', /\$Default, \$Latest or a version number; found the string "latest"/],
    [{ id: 'lt-0123456789abcdef0', version: 0 }, 'launchTemplate.version', /found number 0/],
    [{ id: 'lt-0123456789abcdef0', versoin: '1' }, 'launchTemplate.versoin', /unknown field/],
    ['lt-0123456789abcdef0', 'launchTemplate', /expected an object/],
  ])('refuses %j with the field path', (lt, field, problem) => {
    const e = errorOf(() => parse([{ ...small, launchTemplate: lt }]));
    expect(e).toMatchObject({ object: 'launchSpecs[0] (small)', field });
    expect(e.problem).toMatch(problem);
  });
});
