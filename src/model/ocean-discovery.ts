/** Ocean's migration discovery as vngshift reads it (src/live/spot/discovery.ts) and compares it (src/report/discovery-compare.ts). */

/** What Ocean suggests for one node: a VNG by id, its cluster's default launch spec (`Default`), or none (null). */
export type OceanSuggestion = { readonly kind: 'vng'; readonly vngId: string } | { readonly kind: 'default' } | { readonly kind: 'none' };

/** One node of Ocean's discovery. */
export interface DiscoveredNode {
  readonly instanceId: string | null;
  readonly nodeName: string | null;
  readonly suggestion: OceanSuggestion;
  /** Pods Ocean counts on the node; null when the answer does not say. */
  readonly pods: number | null;
}
