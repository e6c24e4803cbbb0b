import { describe, expect, it } from 'vitest';
import { schemaFieldPath } from '../../../src/model/schema-path.js';
import { parseParams } from '../../../src/model/params.js';
import { InputError } from '../../../src/model/errors.js';

describe('schemaFieldPath', () => {
  it('writes paths as kubectl does: dots between names, brackets around indexes', () => {
    expect(schemaFieldPath([])).toBe('');
    expect(schemaFieldPath(['batchSizePercentage'])).toBe('batchSizePercentage');
    expect(schemaFieldPath(['spec', 'containers', 0, 'resources', 'requests', 'cpu'])).toBe('spec.containers[0].resources.requests.cpu');
    expect(schemaFieldPath(['faults', 2, 'at'])).toBe('faults[2].at');
    expect(schemaFieldPath([0, 'name'])).toBe('[0].name');
    expect(schemaFieldPath(['matrix', 1, 3])).toBe('matrix[1][3]');
  });

  it('is the field an input error of a schema-checked file names', () => {
    let err: unknown;
    try {
      parseParams({ nodeNames: ['a', 7] }, 'params.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('nodeNames[1]');
  });
});
