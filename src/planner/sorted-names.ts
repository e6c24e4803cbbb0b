/** Searches in lists of names sorted in code-unit order (the order `<` gives strings). */

/** The first index of the sorted list whose name is not before `name`. */
export function lowerBound(list: readonly string[], name: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as string) < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `name` is in the sorted list, -1 when it is not there. */
export function indexOfSorted(list: readonly string[], name: string): number {
  const at = lowerBound(list, name);
  return list[at] === name ? at : -1;
}
