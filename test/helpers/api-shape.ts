/**
 * Checks a JSON value against a fixture of a documented request or response shape (test/fixtures/spot-api): every field
 * of the fixture's example that the value has must be of the example's type (string, number, boolean, array, object; null
 * only where `$nullable` says), the `$required` fields must be there, `$values` lists the values a field may take, and in
 * strict mode (what vngshift sends) a field the example does not have is a problem unless `$undocumented` lists it.
 * Paths are dotted; `[]` stands for every element of an array.
 */
export interface ShapeFixture {
  readonly $source: string;
  readonly $required?: readonly string[];
  readonly $undocumented?: readonly string[];
  readonly $guessed?: readonly string[];
  readonly $nullable?: readonly string[];
  readonly $values?: Readonly<Record<string, readonly string[]>>;
  readonly example: unknown;
}

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function shapeProblems(actual: unknown, f: ShapeFixture, strict = false): string[] {
  const problems: string[] = [];
  const required = new Set(f.$required ?? []);
  const extra = new Set(f.$undocumented ?? []);
  const nullable = new Set(f.$nullable ?? []);
  const walk = (ex: unknown, act: unknown, path: string): void => {
    const at = path === '' ? '(top)' : path;
    if (act === null && nullable.has(path)) return;
    if (kind(ex) !== kind(act)) {
      problems.push(`${at}: expected ${kind(ex)}, found ${kind(act)}`);
      return;
    }
    const allowed = f.$values?.[path];
    if (allowed !== undefined && !allowed.includes(String(act))) problems.push(`${at}: ${JSON.stringify(act)} is not one of ${allowed.join(', ')}`);
    if (Array.isArray(ex) && Array.isArray(act)) {
      if (ex.length > 0) for (const el of act) walk(ex[0], el, `${path}[]`);
      return;
    }
    if (kind(ex) === 'object') {
      const e = ex as Record<string, unknown>;
      const a = act as Record<string, unknown>;
      for (const k of Object.keys(e)) {
        const p = path === '' ? k : `${path}.${k}`;
        if (k in a) walk(e[k], a[k], p);
        else if (required.has(p)) problems.push(`${p}: missing`);
      }
      if (strict) for (const k of Object.keys(a)) if (!(k in e) && !extra.has(path === '' ? k : `${path}.${k}`)) problems.push(`${path === '' ? k : `${path}.${k}`}: not in the reference`);
    }
  };
  walk(f.example, actual, '');
  return problems;
}
