/** The seven failure codes of a migration, with the message Ocean's log writes for each and what to do about it. */
export type FailureCode =
  | 'ConnectivityLost'
  | 'InsufficientCapacity'
  | 'TechnicalTimeout'
  | 'PodsUnschedulable'
  | 'TerminateFailed'
  | 'StopTerminateFailed'
  | 'StopRescheduleFailed';

export const FAILURE_CODES: readonly FailureCode[] = [
  'ConnectivityLost',
  'InsufficientCapacity',
  'TechnicalTimeout',
  'PodsUnschedulable',
  'TerminateFailed',
  'StopTerminateFailed',
  'StopRescheduleFailed',
];

export const FAILURE_MESSAGES: Readonly<Record<FailureCode, string>> = {
  ConnectivityLost:
    'The migration has stopped due to connectivity issues. Make sure the Spotinst controller is installed and working properly.',
  InsufficientCapacity:
    'The migration has stopped due to inability to spin up enough new instances. Make sure all required Virtual Node Groups are configured.',
  TechnicalTimeout: 'The migration has stopped due to technical timeout.',
  PodsUnschedulable: 'The migration has stopped due to failure to schedule pods on new nodes.',
  TerminateFailed: 'The migration has stopped due to failure to terminate old instances.',
  StopTerminateFailed:
    'The migration has stopped due to failure to terminate old instances during migration stop process.',
  StopRescheduleFailed:
    'The migration has stopped due to failure to reschedule old instances during migration stop process.',
};

export const FAILURE_REMEDIES: Readonly<Record<FailureCode, string>> = {
  ConnectivityLost: 'Check that the controller runs and that the Kubernetes and EC2 APIs are reachable with valid credentials.',
  InsufficientCapacity:
    'Add or widen VNGs: the pods listed need labels, taints, instance types or limits that no VNG offers.',
  TechnicalTimeout:
    'Use smaller batches; group nodes by labels or by similar configuration requirements; relax PDBs that allow no disruption.',
  PodsUnschedulable:
    'Fix the pods listed (they stay unscheduled or unready); do not create new workloads while the migration runs.',
  TerminateFailed: 'Grant ec2:TerminateInstances on the instances listed to the role the migration uses.',
  StopTerminateFailed: 'Grant ec2:TerminateInstances on the instances listed to the role the migration uses.',
  StopRescheduleFailed: 'Grant patch on nodes (to uncordon) to the identity the migration uses, and check API connectivity.',
};

/**
 * The failure code of a message Ocean reports for a failed migration: its own text for a code (FAILURE_MESSAGES, compared
 * without regard to case, spacing or a trailing period), else the code whose cause the message names (connectivity, new
 * instances, timeout, scheduling pods, terminating during a stop, rescheduling during a stop, terminating). Null when it
 * names none of them.
 */
export function failureCodeOfMessage(message: string): FailureCode | null {
  const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
  const m = norm(message);
  if (m === '') return null;
  for (const code of FAILURE_CODES) if (norm(FAILURE_MESSAGES[code]) === m) return code;
  const stop = /\bstop (process|migration)|while stopping|during (the )?(migration )?stop/.test(m);
  if (/connectivity|unreachable|controller/.test(m)) return 'ConnectivityLost';
  if (/spin up|new instances|capacity|launch/.test(m)) return 'InsufficientCapacity';
  if (/time ?out/.test(m)) return 'TechnicalTimeout';
  if (/reschedul/.test(m) && stop) return 'StopRescheduleFailed';
  if (/terminat/.test(m)) return stop ? 'StopTerminateFailed' : 'TerminateFailed';
  if (/schedul/.test(m)) return 'PodsUnschedulable';
  return null;
}
