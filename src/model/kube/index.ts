/** Cluster input parsing: kubectl Lists, YAML streams and decoded API objects into a Cluster. */

export { parseClusterText } from './text.js';
export { parseClusterObjects, HANDLED_KINDS } from './cluster.js';
export { instanceIdFromProviderId } from './node.js';
