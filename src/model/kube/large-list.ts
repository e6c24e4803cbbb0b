/**
 * A cluster file too large for one string (a big `kubectl get ... -o json`): the List's items are decoded one by one and each
 * is parsed as it comes, so the decoded objects are never all held at once. When the input has a problem, the items are
 * decoded again and parsed as for any input, so that the error named is the one parseClusterObjects names first.
 */
import { InputError } from '../errors.js';
import type { Cluster } from '../types.js';
import { ClusterBuilder, parseClusterObjects } from './cluster.js';
import { forEachJsonListItem, splitJsonListItems } from './json-list-split.js';

/** The Cluster in the bytes of a JSON List (or bare JSON array); null when they are neither. */
export function parseLargeJsonList(bytes: Uint8Array, file: string): Cluster | null {
  const builder = new ClusterBuilder(file);
  let index = 0;
  try {
    const isList = forEachJsonListItem(bytes, file, (value) => builder.add({ value, where: `objects[${index++}]` }));
    if (isList) return builder.finish();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  const items = splitJsonListItems(bytes, file);
  return items === null ? null : parseClusterObjects(items, file);
}
