import { describe, expect, it } from 'vitest';
import { parseClusterObjects } from '../../../../src/model/kube/index.js';
import type { ResourceList } from '../../../../src/model/types.js';
import { container, pod } from './helpers.js';
import type { Json } from './helpers.js';

const MI = 1024 ** 2;

function requestsOf(spec: Json): ResourceList {
  const cluster = parseClusterObjects([pod('p', spec)], 'test.yaml');
  const only = cluster.pods[0];
  if (only === undefined) throw new Error('no pod parsed');
  return only.requests;
}

function sidecar(name: string, requests: Json): Json {
  return container(name, requests, {}, { restartPolicy: 'Always' });
}

describe('effective pod requests', () => {
  it('sums app containers', () => {
    const spec = { containers: [container('a', { cpu: '100m', memory: '64Mi' }), container('b', { cpu: '0.2', memory: '64Mi' })] };
    expect(requestsOf(spec)).toEqual({ cpu: 300, memory: 128 * MI, pods: 1 });
  });

  it('takes the largest regular init container when it exceeds the app sum', () => {
    const spec = {
      initContainers: [container('small', { cpu: '100m' }), container('big', { cpu: '2', memory: '32Mi' })],
      containers: [container('app', { cpu: '500m', memory: '256Mi' })],
    };
    // cpu: max(500, 100, 2000) = 2000; memory: max(256Mi, 32Mi) = 256Mi.
    expect(requestsOf(spec)).toEqual({ cpu: 2000, memory: 256 * MI, pods: 1 });
  });

  it('counts only the sidecars declared before a regular init container', () => {
    const initFirst = {
      initContainers: [container('init', { cpu: '1' }), sidecar('proxy', { cpu: '500m' })],
      containers: [container('app', { cpu: '250m' })],
    };
    // running = 250 + 500 = 750; init runs before the sidecar starts: 1000. Result 1000.
    expect(requestsOf(initFirst).cpu).toBe(1000);
    const sidecarFirst = {
      initContainers: [sidecar('proxy', { cpu: '500m' }), container('init', { cpu: '1' })],
      containers: [container('app', { cpu: '250m' })],
    };
    // running = 750; init runs next to the sidecar: 1000 + 500 = 1500. Result 1500.
    expect(requestsOf(sidecarFirst).cpu).toBe(1500);
  });

  it('handles several sidecars interleaved with init containers', () => {
    const spec = {
      initContainers: [
        sidecar('a', { cpu: '100m', memory: '100Mi' }),
        container('x', { cpu: '300m', memory: '50Mi' }),
        sidecar('b', { cpu: '200m', memory: '100Mi' }),
        container('y', { cpu: '250m', memory: '10Mi' }),
      ],
      containers: [container('app', { cpu: '50m', memory: '1Gi' })],
    };
    // cpu: running = 50 + 100 + 200 = 350; x = 300 + 100 = 400; y = 250 + 300 = 550. Result 550.
    // memory: running = 1024 + 200 = 1224Mi; x = 150Mi; y = 210Mi. Result 1224Mi.
    expect(requestsOf(spec)).toEqual({ cpu: 550, memory: 1224 * MI, pods: 1 });
  });

  it('adds pod overhead after taking the maximum', () => {
    const spec = {
      overhead: { cpu: '250m', memory: '120Mi' },
      initContainers: [container('init', { cpu: '1' })],
      containers: [container('app', { cpu: '500m', memory: '1Gi' })],
    };
    expect(requestsOf(spec)).toEqual({ cpu: 1250, memory: 1144 * MI, pods: 1 });
  });

  it('defaults a missing request to the limit, per resource', () => {
    const spec = {
      containers: [
        container('limited', { memory: '256Mi' }, { cpu: '1', memory: '1Gi' }),
        container('explicit', { cpu: '100m' }, { cpu: '2' }),
      ],
    };
    // limited: cpu from its limit (1000), memory from its request (256Mi); explicit: request 100m wins over limit 2.
    expect(requestsOf(spec)).toEqual({ cpu: 1100, memory: 256 * MI, pods: 1 });
  });

  it('carries extended resources and hugepages, in base units', () => {
    const spec = {
      initContainers: [container('warm', {}, { 'nvidia.com/gpu': 1 })],
      containers: [
        container('train', {}, { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi', memory: '2Gi' }),
        container('side', { 'vpc.amazonaws.com/pod-eni': '1' }),
      ],
    };
    expect(requestsOf(spec)).toEqual({
      'hugepages-2Mi': 4 * MI,
      memory: 2048 * MI,
      'nvidia.com/gpu': 2,
      pods: 1,
      'vpc.amazonaws.com/pod-eni': 1,
    });
  });

  it('always counts the pod itself, even without containers', () => {
    expect(requestsOf({ containers: [] })).toEqual({ pods: 1 });
    expect(requestsOf({})).toEqual({ pods: 1 });
  });

  it('rounds fractional memory up to whole bytes and keeps cpu exact', () => {
    expect(requestsOf({ containers: [container('a', { cpu: 0.1, memory: '100m' })] })).toEqual({ cpu: 100, memory: 1, pods: 1 });
  });
});

describe('the order of the request keys', () => {
  it('lists the resources sorted by name, whatever order the containers name them in', () => {
    const spec = {
      containers: [container('a', { 'nvidia.com/gpu': '1', memory: '1Mi' }), container('b', { cpu: '1', 'ephemeral-storage': '1Mi' })],
      initContainers: [container('i', { 'example.com/Zeta': '2', 'Alpha': '1' })],
      overhead: { 'a-b': '1' },
    };
    expect(Object.keys(requestsOf(spec))).toEqual(['Alpha', 'a-b', 'cpu', 'ephemeral-storage', 'example.com/Zeta', 'memory', 'nvidia.com/gpu', 'pods']);
  });
});
