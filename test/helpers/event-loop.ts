/**
 * One turn of the event loop. A rehearsal awaits only promises, so a property test of hundreds of them never lets the test
 * worker's event loop run: vitest's worker then cannot read its runner's answers, and on a loaded machine a test longer
 * than a minute ends with `[vitest-worker]: Timeout calling "onTaskUpdate"` (an unhandled error: the run exits 1 with every
 * test passed). Long property tests await this between their runs.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
