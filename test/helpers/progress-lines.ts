/** Standard error without the timestamped progress and log lines of src/cli/progress.ts (what is left: notices, errors). */
export function withoutProgress(err: string): string {
  return err
    .split('\n')
    .filter((l) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (plan|simulate|run|chaos): /.test(l))
    .join('\n');
}
