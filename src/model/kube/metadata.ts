/** Object identity and metadata shared by every kind: namespace defaulting, labels, uid, the controller owner. */

import type { ErrorContext } from '../errors.js';
import type { Labels, OwnerRef } from '../types.js';
import type { KubeObject } from './envelope.js';
import { fieldPath, objectList, objectOrEmpty, optBool, optString, reqString, stringMap } from './fields.js';
import type { Obj } from './fields.js';

export const DEFAULT_NAMESPACE = 'default';

/** Kinds handled here that live outside namespaces. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Node', 'PersistentVolume', 'Namespace', 'StorageClass']);

/** The namespace an object lives in ('' for cluster-scoped kinds). */
export function namespaceOf(object: KubeObject): string {
  if (CLUSTER_SCOPED_KINDS.has(object.kind)) return '';
  return object.namespace ?? DEFAULT_NAMESPACE;
}

/** `Pod shop/web-1`, `Node ip-10-0-1-1`: how errors name an object. */
export function objectLabel(object: KubeObject): string {
  const namespace = namespaceOf(object);
  return namespace === '' ? `${object.kind} ${object.name}` : `${object.kind} ${namespace}/${object.name}`;
}

/** The parts of a Kubernetes object every kind parser reads. */
export interface ObjectView {
  readonly ctx: ErrorContext;
  readonly object: KubeObject;
  readonly namespace: string;
  readonly name: string;
  readonly metadata: Obj;
  readonly body: Obj;
}

/** An ErrorContext whose object label is built only when an error asks for it (most objects raise none). */
class ObjectContext implements ErrorContext {
  constructor(
    readonly file: string,
    private readonly kubeObject: KubeObject,
  ) {}

  get object(): string {
    return objectLabel(this.kubeObject);
  }
}

export function viewOf(object: KubeObject, file: string): ObjectView {
  const ctx: ErrorContext = new ObjectContext(file, object);
  return {
    ctx,
    object,
    namespace: namespaceOf(object),
    name: object.name,
    metadata: objectOrEmpty(ctx, object.body, 'metadata', 'metadata'),
    body: object.body,
  };
}

export function labelsOf(view: ObjectView): Labels {
  return stringMap(view.ctx, view.metadata, 'labels', 'metadata.labels');
}

export function annotationsOf(view: ObjectView): Labels {
  return stringMap(view.ctx, view.metadata, 'annotations', 'metadata.annotations');
}

/** metadata.uid, else a stable stand-in: `namespace/name` (or the name for cluster-scoped objects). */
export function uidOf(view: ObjectView): string {
  const uid = optString(view.ctx, view.metadata, 'uid', 'metadata.uid');
  if (uid !== null && uid !== '') return uid;
  return fallbackUid(view.namespace, view.name);
}

export function fallbackUid(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

/**
 * The owner reference with controller: true, else the only owner reference, else null. A missing uid gets the same
 * stand-in the owner object itself would get (`namespace/name`).
 */
export function controllerOwnerOf(view: ObjectView): OwnerRef | null {
  const refs = objectList(view.ctx, view.metadata, 'ownerReferences', 'metadata.ownerReferences');
  const chosen = refs.find(({ item, path }) => optBool(view.ctx, item, 'controller', fieldPath(path, 'controller')) === true) ??
    (refs.length === 1 ? refs[0] : undefined);
  if (chosen === undefined) return null;
  const { item, path } = chosen;
  const name = reqString(view.ctx, item, 'name', fieldPath(path, 'name'));
  const uid = optString(view.ctx, item, 'uid', fieldPath(path, 'uid'));
  return {
    kind: reqString(view.ctx, item, 'kind', fieldPath(path, 'kind')),
    name,
    uid: uid !== null && uid !== '' ? uid : fallbackUid(view.namespace, name),
  };
}
