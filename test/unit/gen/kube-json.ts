/** Test helpers: read the generated plain objects without any model parser. */

export interface Obj {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: readonly { kind: string; name: string; uid: string; controller: boolean }[];
  };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

export function asObjs(xs: readonly unknown[]): Obj[] {
  return xs as Obj[];
}

/** cpu -> millicores; memory -> bytes; plain integers as they are. */
export function quantity(text: string): number {
  const m = /^(\d+)(m|Ki|Mi|Gi)?$/.exec(text);
  if (m === null) throw new Error(`unexpected quantity ${text}`);
  const n = Number(m[1]);
  switch (m[2]) {
    case 'm':
      return n;
    case 'Ki':
      return n * 1024;
    case 'Mi':
      return n * 1024 ** 2;
    case 'Gi':
      return n * 1024 ** 3;
    default:
      return n;
  }
}

export function cpuMillis(text: string): number {
  return text.endsWith('m') ? quantity(text) : quantity(text) * 1000;
}

export interface PodView {
  readonly obj: Obj;
  readonly nodeName: string | null;
  readonly phase: string;
  readonly requests: Record<string, string>;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly { key?: string; operator?: string; value?: string; effect?: string }[];
}

export function podView(o: Obj): PodView {
  const spec = o.spec as {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    tolerations?: PodView['tolerations'];
    containers: { resources?: { requests?: Record<string, string> } }[];
  };
  const requests: Record<string, string> = {};
  for (const c of spec.containers) Object.assign(requests, c.resources?.requests ?? {});
  return {
    obj: o,
    nodeName: spec.nodeName ?? null,
    phase: (o.status as { phase: string }).phase,
    requests,
    nodeSelector: spec.nodeSelector ?? {},
    tolerations: spec.tolerations ?? [],
  };
}

export function byKind(objs: readonly Obj[], kind: string): Obj[] {
  return objs.filter((o) => o.kind === kind);
}

export function isDaemonSetPod(o: Obj): boolean {
  return o.metadata.ownerReferences?.[0]?.kind === 'DaemonSet';
}
