import { describe, expect, it } from 'vitest';
import { catalogFromJsonText, catalogFromTypes, loadCatalog } from '../../../src/catalog/catalog.js';
import { InputError } from '../../../src/model/errors.js';
import type { InstanceType } from '../../../src/model/types.js';

function sampleType(name: string, over: Partial<InstanceType> = {}): InstanceType {
  const [family = '', size = ''] = name.split('.');
  return {
    name,
    family,
    size,
    vcpu: 2,
    memoryMiB: 8192,
    architecture: 'amd64',
    gpuCount: 0,
    gpuManufacturer: null,
    neuronDeviceCount: 0,
    maxPods: 29,
    priceUsdPerHour: 0.1,
    bareMetal: false,
    burstable: false,
    currentGeneration: true,
    instanceStorageGB: 0,
    ...over,
  };
}

describe('loadCatalog', () => {
  const catalog = loadCatalog();

  it('reads every row of the bundled file, sorted by name', () => {
    expect(catalog.types.length).toBe(1372);
    expect(catalog.region).toBe('us-east-1');
    const names = catalog.types.map((t) => t.name);
    expect(names).toEqual([...names].sort());
    expect(catalog.byName.size).toBe(1372);
  });

  it('caches the catalog', () => {
    expect(loadCatalog()).toBe(catalog);
  });

  it('maps m5.large from the file', () => {
    expect(catalog.byName.get('m5.large')).toEqual({
      name: 'm5.large',
      family: 'm5',
      size: 'large',
      vcpu: 2,
      memoryMiB: 8192,
      architecture: 'amd64',
      gpuCount: 0,
      gpuManufacturer: null,
      neuronDeviceCount: 0,
      maxPods: 29,
      priceUsdPerHour: 0.096,
      bareMetal: false,
      burstable: false,
      currentGeneration: false,
      instanceStorageGB: 0,
    });
  });

  it('uses the default-card ENI formula when EKS lists no max pods (i3.metal)', () => {
    expect(catalog.byName.get('i3.metal')?.maxPods).toBe(737);
  });

  it('uses the EKS value, not the all-ENI formula, for multi-card types', () => {
    expect(catalog.byName.get('p5.48xlarge')?.maxPods).toBe(100);
  });

  it('keeps null prices as null', () => {
    expect(catalog.byName.get('trn2.48xlarge')?.priceUsdPerHour).toBeNull();
  });

  it('carries GPU and Neuron counts', () => {
    expect(catalog.byName.get('g5.xlarge')).toMatchObject({ gpuCount: 1, gpuManufacturer: 'NVIDIA' });
    expect(catalog.byName.get('inf2.xlarge')?.neuronDeviceCount).toBe(1);
  });
});

describe('catalogFromJsonText', () => {
  const row = {
    name: 'm5.large', family: 'm5', size: 'large', vcpu: 2, memoryMiB: 8192, architecture: 'amd64', gpuCount: 0,
    gpuManufacturer: null, neuronDeviceCount: 0, eksMaxPods: null, maxPodsFormulaDefaultCardEnis: null,
    onDemandUsdPerHourUsEast1: 0.096, bareMetal: false, burstable: false, currentGeneration: true,
  };

  it('falls back to 110 pods and 0 instance storage', () => {
    const c = catalogFromJsonText(JSON.stringify({ region: 'us-east-1', instanceTypes: [row] }), 'x.json');
    expect(c.byName.get('m5.large')?.maxPods).toBe(110);
    expect(c.byName.get('m5.large')?.instanceStorageGB).toBe(0);
  });

  it('rejects text that is not JSON', () => {
    expect(() => catalogFromJsonText('{oops', 'data/ec2-instance-types.json')).toThrow(InputError);
    try {
      catalogFromJsonText('{oops', 'data/ec2-instance-types.json');
    } catch (e) {
      expect((e as InputError).file).toBe('data/ec2-instance-types.json');
    }
  });

  it('names the corrupt row and field', () => {
    const bad = { ...row, vcpu: 'two' };
    let err: unknown;
    try {
      catalogFromJsonText(JSON.stringify({ region: 'us-east-1', instanceTypes: [row, bad] }), 'data/ec2-instance-types.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ file: 'data/ec2-instance-types.json', object: 'instanceTypes[1] (m5.large)', field: 'vcpu' });
  });

  it('rejects a file without instance types', () => {
    expect(() => catalogFromJsonText(JSON.stringify({ region: 'us-east-1' }))).toThrow(/instanceTypes/);
  });
});

describe('catalogFromTypes', () => {
  it('sorts by name and indexes', () => {
    const c = catalogFromTypes([sampleType('m5.xlarge'), sampleType('c5.large')], 'eu-west-1');
    expect(c.types.map((t) => t.name)).toEqual(['c5.large', 'm5.xlarge']);
    expect(c.byName.get('c5.large')?.family).toBe('c5');
    expect(c.region).toBe('eu-west-1');
  });

  it('rejects duplicate names', () => {
    expect(() => catalogFromTypes([sampleType('c5.large'), sampleType('c5.large')], 'eu-west-1')).toThrow(InputError);
  });
});
