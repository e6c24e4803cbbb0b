import { hostPortsConflict } from '../plan-node.js';
import { fail, type Predicate } from './types.js';

/** NodePorts: a hostPort (protocol, port, address) may be used by one pod per node. */
export const nodePorts: Predicate = {
  name: 'NodePorts',
  filter(_ctx, cls, node) {
    for (const want of cls.spec.hostPorts) {
      if (node.hostPorts.some((used) => hostPortsConflict(used, want))) {
        return fail('NodePorts', "node(s) didn't have free ports for the requested pod ports");
      }
    }
    return null;
  },
};
