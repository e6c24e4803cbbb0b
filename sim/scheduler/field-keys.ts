/**
 * Keys made of some fields of a pod (the JSON of them), made once per set of field objects rather than once per pod: the
 * pods of one workload hold the very same labels, requests, tolerations and affinity objects (parsed ones share equal
 * values: src/model/kube/same-value.ts; a controller's pods are copies of their template), and the same objects give the
 * same JSON (the model's objects are never changed once made). A key is looked up by the identity of its first field
 * object, then of every other field; pods with equal fields that are not the same objects just make their key again.
 */

/** A key and the field values it was made of. */
interface Made {
  readonly fields: readonly unknown[];
  readonly key: string;
}

/** How many keys are kept per first field object (more, for a first field many kinds of pods share, are made each time). */
const PER_FIRST = 8;

export class FieldKeys {
  private readonly byFirst = new WeakMap<object, Made[]>();

  /** The key of `fields` (every field compared by identity; the first should be an object), made by `make` when none is kept. */
  key(fields: readonly unknown[], make: () => string): string {
    const first = fields[0];
    if (typeof first !== 'object' || first === null) return make();
    let made = this.byFirst.get(first);
    if (made !== undefined) {
      for (const m of made) if (sameFields(m.fields, fields)) return m.key;
    } else this.byFirst.set(first, (made = []));
    const key = make();
    if (made.length < PER_FIRST) made.push({ fields, key });
    return key;
  }
}

function sameFields(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
