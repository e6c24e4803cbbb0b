/** Counted nouns in the reports' own sentences: "1 pod", "2 pods", "no pod" (kube-scheduler's "node(s)" phrases are its own). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** As plural(), with "no" for zero: "no eviction", "1 eviction", "3 evictions". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? `no ${one}` : plural(n, one, many);
}
