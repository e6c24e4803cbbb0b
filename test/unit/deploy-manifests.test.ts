/**
 * deploy/: the manifests parse, hold the kinds they should, grant every API call the live code makes (found by reading
 * src/live and the live CLI commands, so a new call without its rule fails here) and nothing broader: no '*', no verb or
 * resource no call needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';

type Obj = Record<string, unknown>;
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const NS = 'vngshift-system';
const files = readdirSync('deploy').filter((f) => f.endsWith('.yaml'));
const docs: Obj[] = files.flatMap((f) =>
  loadAll(readFileSync(join('deploy', f), 'utf8')).map((d) => d as Obj),
);
const meta = (o: Obj): Obj => (o['metadata'] ?? {}) as Obj;
const ofKind = (kind: string): Obj[] => docs.filter((d) => d['kind'] === kind);
const one = (kind: string): Obj => {
  const list = ofKind(kind).filter((d) => d['kind'] !== 'Kustomization');
  expect(list, kind).toHaveLength(1);
  return list[0] as Obj;
};

/** A call the live code makes: client-node method -> API group, resource, verb, and whether it is namespaced to our namespace. */
interface Call {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  /** 'own': only in the executor's namespace (Role); 'cluster': anywhere (ClusterRole). */
  readonly scope: 'own' | 'cluster';
}
const CALLS: Record<string, Call> = {
  listNode: { group: '', resource: 'nodes', verb: 'list', scope: 'cluster' },
  patchNode: { group: '', resource: 'nodes', verb: 'patch', scope: 'cluster' },
  readNode: { group: '', resource: 'nodes', verb: 'get', scope: 'cluster' },
  deleteNode: { group: '', resource: 'nodes', verb: 'delete', scope: 'cluster' },
  listPodForAllNamespaces: { group: '', resource: 'pods', verb: 'list', scope: 'cluster' },
  deleteNamespacedPod: { group: '', resource: 'pods', verb: 'delete', scope: 'cluster' },
  createNamespacedPodEviction: { group: '', resource: 'pods/eviction', verb: 'create', scope: 'cluster' },
  createNamespacedEvent: { group: '', resource: 'events', verb: 'create', scope: 'cluster' },
  patchNamespacedEvent: { group: '', resource: 'events', verb: 'patch', scope: 'cluster' },
  listEventForAllNamespaces: { group: '', resource: 'events', verb: 'list', scope: 'cluster' },
  listNamespace: { group: '', resource: 'namespaces', verb: 'list', scope: 'cluster' },
  readNamespace: { group: '', resource: 'namespaces', verb: 'get', scope: 'cluster' },
  listReplicationControllerForAllNamespaces: { group: '', resource: 'replicationcontrollers', verb: 'list', scope: 'cluster' },
  listPersistentVolumeClaimForAllNamespaces: { group: '', resource: 'persistentvolumeclaims', verb: 'list', scope: 'cluster' },
  listPersistentVolume: { group: '', resource: 'persistentvolumes', verb: 'list', scope: 'cluster' },
  listPodDisruptionBudgetForAllNamespaces: { group: 'policy', resource: 'poddisruptionbudgets', verb: 'list', scope: 'cluster' },
  listDaemonSetForAllNamespaces: { group: 'apps', resource: 'daemonsets', verb: 'list', scope: 'cluster' },
  listReplicaSetForAllNamespaces: { group: 'apps', resource: 'replicasets', verb: 'list', scope: 'cluster' },
  listDeploymentForAllNamespaces: { group: 'apps', resource: 'deployments', verb: 'list', scope: 'cluster' },
  listStatefulSetForAllNamespaces: { group: 'apps', resource: 'statefulsets', verb: 'list', scope: 'cluster' },
  listJobForAllNamespaces: { group: 'batch', resource: 'jobs', verb: 'list', scope: 'cluster' },
  listCronJobForAllNamespaces: { group: 'batch', resource: 'cronjobs', verb: 'list', scope: 'cluster' },
  listStorageClass: { group: 'storage.k8s.io', resource: 'storageclasses', verb: 'list', scope: 'cluster' },
  readNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'get', scope: 'own' },
  createNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'create', scope: 'own' },
  replaceNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'update', scope: 'own' },
  patchNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'patch', scope: 'own' },
  deleteNamespacedConfigMap: { group: '', resource: 'configmaps', verb: 'delete', scope: 'own' },
  readNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'get', scope: 'own' },
  createNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', scope: 'own' },
  replaceNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'update', scope: 'own' },
};
/** Calls the in-cluster executor never makes, and why they are not granted. */
const NOT_GRANTED: Record<string, string> = {
  createNode: 'only the kwok capacity provider creates nodes, on test clusters (run it with a kubeconfig that may)',
  createNamespace: 'only when the state namespace is missing; deploy/namespace.yaml creates it',
};
/** Watches the live code keeps (informers): resource -> verb watch. */
const WATCHED: Record<string, Call> = {
  '/api/v1/nodes': { group: '', resource: 'nodes', verb: 'watch', scope: 'cluster' },
  '/api/v1/pods': { group: '', resource: 'pods', verb: 'watch', scope: 'cluster' },
  '/api/v1/events': { group: '', resource: 'events', verb: 'watch', scope: 'cluster' },
};

function sources(): string {
  const dirs = ['src/live', 'src/live/spot', 'src/cli'];
  return dirs
    .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(d, f), 'utf8')))
    .join('\n');
}

function grants(rules: readonly Rule[], call: Call): boolean {
  return rules.some((r) => r.apiGroups.includes(call.group) && r.resources.includes(call.resource) && r.verbs.includes(call.verb));
}

describe('deploy/ manifests', () => {
  const clusterRole = one('ClusterRole');
  const role = one('Role');
  const clusterRules = clusterRole['rules'] as Rule[];
  const roleRules = role['rules'] as Rule[];

  it('hold the namespace, the service account, the roles and their bindings, and the executor', () => {
    expect(meta(one('Namespace'))['name']).toBe(NS);
    const sa = one('ServiceAccount');
    expect(meta(sa)).toMatchObject({ name: 'vngshift', namespace: NS });
    expect(meta(role)['namespace']).toBe(NS);
    const crb = one('ClusterRoleBinding');
    expect(crb['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: meta(clusterRole)['name'] });
    expect(crb['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'vngshift', namespace: NS }]);
    const rb = one('RoleBinding');
    expect(meta(rb)['namespace']).toBe(NS);
    expect(rb['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: meta(role)['name'] });
    expect(rb['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'vngshift', namespace: NS }]);
    const kustomization = readFileSync('deploy/kustomization.yaml', 'utf8');
    for (const f of files.filter((x) => x !== 'kustomization.yaml')) expect(kustomization).toContain(f);
  });

  it('run the executor with two replicas (leader election), its service account, and `vngshift run` in its namespace', () => {
    const d = one('Deployment');
    expect(meta(d)['namespace']).toBe(NS);
    const spec = d['spec'] as Obj;
    expect(spec['replicas']).toBe(2);
    const pod = (spec['template'] as Obj)['spec'] as Obj;
    expect(pod['serviceAccountName']).toBe('vngshift');
    const c = (pod['containers'] as Obj[])[0] as Obj;
    expect(c['command']).toEqual(['vngshift']);
    const args = c['args'] as string[];
    expect(args[0]).toBe('run');
    expect(args).toContain(`--namespace=${NS}`);
    expect(args.some((a) => a.startsWith('--vngs='))).toBe(true);
    expect(args.some((a) => a.startsWith('--capacity='))).toBe(true);
    expect(JSON.stringify(c['env'])).toContain('metadata.name'); // POD_NAME: the Lease holder identity
    expect(readFileSync('deploy/deployment.yaml', 'utf8')).toMatch(/PLACEHOLDER/);
  });

  it('bundle VNGs that the parser accepts', () => {
    const cm = ofKind('ConfigMap').find((c) => meta(c)['name'] === 'vngshift-vngs') as Obj;
    const text = (cm['data'] as Record<string, string>)['vngs.json'] ?? '';
    expect(parseVngText(text, 'deploy/vngs-configmap.yaml', loadCatalog()).vngs.length).toBeGreaterThan(0);
  });

  it('grant every API call the live code makes: each in the table below, each granted by the right role', () => {
    const src = sources();
    const used = new Set([...src.matchAll(/(?<!opts)\.((?:list|read|create|replace|patch|delete)[A-Z][A-Za-z]*)\(/g)].map((m) => m[1] as string));
    // Methods with these names that are not Kubernetes API calls.
    const notApi = new Set(['readUIntBE']);
    const unknown = [...used].filter((m) => CALLS[m] === undefined && NOT_GRANTED[m] === undefined && !notApi.has(m)).sort();
    expect(unknown, 'API calls missing from CALLS (add the call and its RBAC rule)').toEqual([]);
    for (const [method, call] of Object.entries(CALLS)) {
      if (!used.has(method)) continue;
      const rules = call.scope === 'own' ? roleRules : clusterRules;
      expect(grants(rules, call), `${method}: ${call.verb} ${call.group || 'core'}/${call.resource}`).toBe(true);
    }
    for (const [path, call] of Object.entries(WATCHED)) {
      if (path === '/api/v1/events' ? !src.includes('listEventForAllNamespaces') : !src.includes(`'${path}'`)) continue;
      expect(grants(clusterRules, call), `watch ${path}`).toBe(true);
    }
    for (const m of Object.keys(NOT_GRANTED)) {
      const call = m === 'createNode' ? { group: '', resource: 'nodes', verb: 'create', scope: 'cluster' as const } : { group: '', resource: 'namespaces', verb: 'create', scope: 'cluster' as const };
      expect(grants(clusterRules, call), `${m} must stay ungranted`).toBe(false);
    }
  });

  it('grant nothing broader: no *, only verbs and resources some call needs', () => {
    const needed = [...Object.values(CALLS), ...Object.values(WATCHED)];
    // get and watch ride with list for what the planner reads (kubectl-style read access); nothing else may be extra.
    const readOnly = new Set(['get', 'list', 'watch']);
    for (const [rules, scope] of [
      [clusterRules, 'cluster'],
      [roleRules, 'own'],
    ] as const) {
      for (const r of rules) {
        for (const field of [r.apiGroups, r.resources, r.verbs]) expect(field).not.toContain('*');
        for (const g of r.apiGroups) {
          for (const res of r.resources) {
            for (const verb of r.verbs) {
              const exact = needed.some((c) => c.group === g && c.resource === res && c.verb === verb);
              const readOfNeeded = readOnly.has(verb) && needed.some((c) => c.group === g && c.resource === res);
              const roleWrite = scope === 'own' && (verb === 'patch' || verb === 'update' || verb === 'create') && needed.some((c) => c.group === g && c.resource === res && c.scope === 'own');
              expect(exact || readOfNeeded || roleWrite, `${scope}: ${verb} ${g || 'core'}/${res} is granted but no call needs it`).toBe(true);
            }
          }
        }
      }
    }
    // Cluster-wide, nothing may write ConfigMaps, Leases or Secrets, and nothing reads Secrets at all.
    for (const r of clusterRules) {
      expect(r.resources).not.toContain('secrets');
      expect(r.resources).not.toContain('configmaps');
      expect(r.resources).not.toContain('leases');
    }
    for (const r of roleRules) expect(r.resources).not.toContain('secrets');
  });
});
