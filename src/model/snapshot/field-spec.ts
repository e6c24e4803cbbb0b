/**
 * A small declarative language for "which fields of a Kubernetes object to keep", and the function that applies it.
 *
 * The rule that makes a pruned object safe to plan from: only values of the expected shape are pruned. A value of another
 * shape (a string where an object belongs, a list item that is not an object) is kept as it is, so the parser meets it in
 * the snapshot exactly as in the original and raises the same error. The specs are plain data, so a test can walk them and
 * compare them with the paths the parser actually reads (test/unit/model/snapshot).
 */

/** Keep the value as it is (a leaf, or a whole subtree the parser reads entirely, such as labels or a label selector). */
export interface KeepSpec {
  readonly t: 'keep';
}

/** Only the presence matters: an object becomes `{}`; anything else is kept as it is. */
export interface PresentSpec {
  readonly t: 'present';
}

/** An object of which only `fields` are kept. */
export interface ObjectSpec {
  readonly t: 'object';
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /**
   * Leave the object out when nothing is kept in it: only where the parser reads an empty object and an absent one alike
   * (objectOrEmpty / optObject followed by reads of optional fields).
   */
  readonly omitEmpty?: boolean;
  /**
   * Set when the parser reads the whole map (every key) but the snapshot keeps only `fields` on purpose; says why. Used for
   * annotations: the model copies them all, the program reads a few keys.
   */
  readonly filtered?: string;
}

/** A list, each item pruned by `item`; `select` may drop items the parser ignores (it sees every item, all objects). */
export interface ListSpec {
  readonly t: 'list';
  readonly item: FieldSpec;
  readonly select?: (items: readonly Record<string, unknown>[]) => readonly Record<string, unknown>[];
  /** Leave the list out when `select` keeps no item (only where an absent list and an empty one read the same). */
  readonly omitEmpty?: boolean;
}

export type FieldSpec = KeepSpec | PresentSpec | ObjectSpec | ListSpec;

export const keep: KeepSpec = { t: 'keep' };
export const present: PresentSpec = { t: 'present' };

export function object(fields: Readonly<Record<string, FieldSpec>>, opts: { omitEmpty?: boolean; filtered?: string } = {}): ObjectSpec {
  return { t: 'object', fields, ...opts };
}

export function list(item: FieldSpec, opts: Pick<ListSpec, 'select' | 'omitEmpty'> = {}): ListSpec {
  return { t: 'list', item, ...opts };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value pruned by `spec`; undefined means "leave the field out". */
export function prune(value: unknown, spec: FieldSpec): unknown {
  if (value === undefined) return undefined;
  switch (spec.t) {
    case 'keep':
      return value;
    case 'present':
      return isPlainObject(value) ? {} : value;
    case 'object': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      let kept = 0;
      for (const key in spec.fields) {
        const fieldSpec = spec.fields[key] as FieldSpec;
        const pruned = prune(value[key], fieldSpec);
        if (pruned !== undefined) {
          out[key] = pruned;
          kept++;
        }
      }
      return kept === 0 && spec.omitEmpty === true ? undefined : out;
    }
    case 'list': {
      if (!Array.isArray(value)) return value;
      let items: readonly unknown[] = value;
      if (spec.select !== undefined && value.every(isPlainObject)) items = spec.select(value as Record<string, unknown>[]);
      if (items.length === 0 && spec.omitEmpty === true) return undefined;
      return items.map((item) => prune(item, spec.item));
    }
  }
}
