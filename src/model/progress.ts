/**
 * Progress of long work, as the pure parts (planner, simulator, chaos) report it: a phase and how many of its units are done.
 * They call a ProgressSink they are given and never read a clock; the CLI (src/cli/progress.ts) adds wall time, ETA and
 * the rendering (a bar on a terminal, timestamped lines, or JSON lines).
 */
export interface ProgressStep {
  /** What is being done, e.g. "pack", "expected fleet", "simulate", "runs". */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /** What is counted: "pods", "batches", "runs". */
  readonly unit: string;
  /** Figures worth showing beside the count (virtual seconds, violations). */
  readonly detail?: Readonly<Record<string, string | number>>;
}

export type ProgressSink = (step: ProgressStep) => void;
