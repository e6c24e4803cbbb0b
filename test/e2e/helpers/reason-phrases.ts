/**
 * kube-scheduler's FitError summaries read as sets of reason phrases: "0/9 nodes are available: 3 Insufficient cpu,
 * 6 node(s) didn't match Pod's node affinity/selector." (kube-scheduler v1.36, with what its PostFilter plugins append) or
 * the planner's "0/10 VNG node types are available: ...". Shared by the e2e files that compare the planner, the simulated
 * world's scheduler and the real kube-scheduler.
 */

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The reason phrases of a summary with their counts; null when the text is not such a summary. */
export function reasonCounts(message: string): Map<string, number> | null {
  // The fit error ends at the first period followed by a blank or the end ("nvidia.com/gpu" has a period too); kube-scheduler
  // appends what its PostFilter plugins said (DRA's "no new claims to deallocate", preemption's own node count).
  const m = /^0\/\d+ (?:nodes|VNG node types) are available: (.*?)\.(?:\s.*)?$/s.exec(message.trim());
  if (!m) return null;
  const out = new Map<string, number>();
  for (const item of (m[1] ?? '').split(/, (?=\d+ )/)) {
    const r = /^(\d+) (.+)$/.exec(item);
    if (!r) return null;
    out.set(r[2] ?? '', Number(r[1]));
  }
  return out;
}

/** The node count a summary starts with ("0/N nodes"), or null. "no nodes available to schedule pods" counts 0. */
export function nodeCountOf(message: string): number | null {
  if (message.trim().startsWith('no nodes available to schedule pods')) return 0;
  const m = /^0\/(\d+) (?:nodes|VNG node types) are available/.exec(message.trim());
  return m ? Number(m[1]) : null;
}

export const phrases = (counts: ReadonlyMap<string, number> | null): string[] => [...(counts?.keys() ?? [])].sort(cmp);

/**
 * The one known difference of wording: the planner names the taint as kube-scheduler
 * did before kubernetes/kubernetes#134740 ("node(s) had untolerated taint {dedicated: batch}"); since that change (merged
 * for v1.35, cherry-picked to release-1.34 as #135023) kube-scheduler keeps taint keys and values out of pod statuses and
 * events and says "node(s) had untolerated taint(s)", which is what the harness's v1.36 scheduler prints. The simulated world's
 * scheduler uses the new wording. Comparisons map the old phrase to the new one (an identity on the new one).
 */
export const UNTOLERATED_NOW = 'node(s) had untolerated taint(s)';
export const NAMED_TAINT = /^node\(s\) had untolerated taint \{(.*): (.*)\}$/;
export const inSchedulerWords = (phrase: string): string => (NAMED_TAINT.test(phrase) ? UNTOLERATED_NOW : phrase);

/** The phrases of a summary in kube-scheduler v1.36's words, sorted and without duplicates. */
export const phrasesNow = (message: string): string[] => [...new Set(phrases(reasonCounts(message)).map(inSchedulerWords))].sort(cmp);
