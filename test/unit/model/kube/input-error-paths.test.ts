/**
 * The readers of requests and conditions build a field path only when they raise an error: these pin the exact texts of
 * those errors, and which of two problems is named first.
 */
import { describe, expect, it } from 'vitest';
import { parseClusterObjects } from '../../../../src/model/kube/index.js';
import { container, inputErrorOf, list, pod } from './helpers.js';
import type { Json } from './helpers.js';

function messageOf(spec: Json, status: Json = {}): string {
  return inputErrorOf(() => parseClusterObjects([list(pod('web-1', spec, { namespace: 'shop' }, status))], 'c.yaml')).message;
}

const where = 'c.yaml: Pod shop/web-1: ';

describe('error texts of the request readers', () => {
  it('names a container list that is not a list, and an element that is not an object', () => {
    expect(messageOf({ containers: 'app' })).toBe(`${where}spec.containers: expected a list; found the string "app"`);
    expect(messageOf({ initContainers: [container('a'), 7] })).toBe(`${where}spec.initContainers[1]: expected an object; found number 7`);
  });

  it('checks every container is an object before reading any container resources', () => {
    const spec = { containers: [container('a', { cpu: 'bad' }), null] };
    expect(messageOf(spec)).toBe(`${where}spec.containers[1]: expected an object; found null`);
  });

  it('names resources, requests and limits that are not objects', () => {
    expect(messageOf({ containers: [{ name: 'a', resources: [] }] })).toBe(`${where}spec.containers[0].resources: expected an object; found a list`);
    expect(messageOf({ containers: [{ name: 'a', resources: { requests: 'x' } }] })).toBe(
      `${where}spec.containers[0].resources.requests: expected an object; found the string "x"`,
    );
    expect(messageOf({ initContainers: [{ name: 'a', resources: { limits: 3 } }] })).toBe(
      `${where}spec.initContainers[0].resources.limits: expected an object; found number 3`,
    );
  });

  it('names a quantity of the wrong type, after the requests and before the limits', () => {
    expect(messageOf({ containers: [container('a', { cpu: false })] })).toBe(
      `${where}spec.containers[0].resources.requests.cpu: expected a Kubernetes quantity like 500m, 2, 1.5Gi; found boolean false`,
    );
    expect(messageOf({ containers: [container('a', { cpu: '1' }, { memory: null })] })).toBe(
      `${where}spec.containers[0].resources.limits.memory: expected a Kubernetes quantity like 500m, 2, 1.5Gi; found null`,
    );
    expect(messageOf({ containers: [container('a', { cpu: 'x' }, { memory: null })] })).toMatch(/requests\.cpu: /);
  });

  it('names a bad restartPolicy of an init container after its resources', () => {
    expect(messageOf({ initContainers: [{ ...container('a'), restartPolicy: 1 }] })).toBe(
      `${where}spec.initContainers[0].restartPolicy: expected a string; found number 1`,
    );
  });
});

describe('error texts of the conditions reader', () => {
  it('names conditions that are not a list, and a condition that is not an object', () => {
    const spec = { containers: [container('a')] };
    expect(messageOf(spec, { conditions: {} })).toBe(`${where}status.conditions: expected a list; found an object`);
    expect(messageOf(spec, { conditions: [{ type: 'Ready', status: 'True' }, 'x'] })).toBe(
      `${where}status.conditions[1]: expected an object; found the string "x"`,
    );
  });
});

describe('error texts of the tolerations reader', () => {
  const spec = (tolerations: unknown): Json => ({ containers: [container('a')], tolerations } as Json);

  it('names the element and field, in the order the fields are read', () => {
    expect(messageOf(spec([{ key: 'a' }, 'x']))).toBe(`${where}spec.tolerations[1]: expected an object; found the string "x"`);
    expect(messageOf(spec([{ key: 1, operator: 2 }]))).toBe(`${where}spec.tolerations[0].key: expected a string; found number 1`);
    expect(messageOf(spec([{ key: 'a', operator: 2 }]))).toBe(`${where}spec.tolerations[0].operator: expected a string; found number 2`);
    expect(messageOf(spec([{ key: 'a' }, { key: 'b', value: 3, effect: 'Nope' }]))).toBe(
      `${where}spec.tolerations[1].value: expected a string; found number 3`,
    );
    expect(messageOf(spec([{ operator: 'Exists', effect: 'Nope' }]))).toBe(
      `${where}spec.tolerations[0].effect: expected one of , NoSchedule, PreferNoSchedule, NoExecute; found the string "Nope"`,
    );
    expect(messageOf(spec({}))).toBe(`${where}spec.tolerations: expected a list; found an object`);
  });
});
