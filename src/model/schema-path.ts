/**
 * The field path of a schema (zod) issue in the form every input error of the project uses, the form kubectl prints:
 * `spec.containers[0].resources.requests.cpu`, `faults[2].at`. One helper, so params, plan, scenario, timing, catalog and
 * chaos-summary files name fields the same way as the hand-written readers of kube objects and launch specs do.
 */
export function schemaFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
