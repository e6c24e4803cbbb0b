/**
 * What the AWS SDK v3 throws, as the engine's PortError. Service errors carry the API's code as `name` (UnauthorizedOperation,
 * RequestLimitExceeded, ...) and the HTTP status in `$metadata.httpStatusCode`; transport failures are Node system errors
 * (ECONNREFUSED, ...) or the SDK's TimeoutError. The message names the API action and, for a refusal, the IAM action to
 * grant and the instances concerned.
 */
import { PortError, type PortErrorKind } from '../../engine/ports.js';
import { networkCodeOf } from '../errors.js';

const FORBIDDEN = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
]);
const THROTTLED = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'SlowDown', 'RequestThrottled']);
/** Auto Scaling is busy with the group (another scaling activity): worth another try. */
const CONFLICT = new Set(['ScalingActivityInProgress', 'ScalingActivityInProgressFault', 'ResourceContention', 'ResourceContentionFault', 'IncorrectInstanceState']);
const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);
const CONNECTIVITY = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);

function field(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** The API's error code (the SDK puts it in `name`; older shapes in `Code`/`code`). */
export function awsCodeOf(e: unknown): string | null {
  for (const key of ['name', 'Code', 'code']) {
    const v = field(e, key);
    if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  }
  return null;
}

export function awsStatusOf(e: unknown): number | null {
  const m = field(e, '$metadata');
  const s = field(m, 'httpStatusCode');
  return typeof s === 'number' ? s : null;
}

/** The kind of failure, by code, then by transport, then by status. */
export function awsErrorKind(e: unknown): PortErrorKind {
  const code = awsCodeOf(e);
  if (code !== null) {
    if (FORBIDDEN.has(code)) return 'forbidden';
    if (THROTTLED.has(code)) return 'throttled';
    if (CONFLICT.has(code)) return 'conflict';
    if (NOT_FOUND.has(code)) return 'not-found';
    if (CONNECTIVITY.has(code)) return 'connectivity';
  }
  if (networkCodeOf(e) !== null) return 'connectivity';
  const status = awsStatusOf(e);
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'forbidden';
  if (status !== null && status >= 500) return 'server';
  if (status === null && code === null) return 'connectivity';
  return 'invalid';
}

/**
 * `e` as a PortError for `action` (the API call, e.g. "ec2:TerminateInstances", which is also the IAM action) on
 * `instanceIds`.
 */
export function toAwsPortError(e: unknown, action: string, instanceIds: readonly string[]): PortError {
  if (e instanceof PortError) return e;
  const kind = awsErrorKind(e);
  const code = awsCodeOf(e) ?? networkCodeOf(e);
  const raw = e instanceof Error ? e.message : String(e);
  const on = instanceIds.length > 0 ? ` on ${instanceIds.join(', ')}` : '';
  const message =
    kind === 'forbidden'
      ? `${action}${on} was refused (${raw.trim()}): grant the IAM action ${action} to the credentials vngshift runs with`
      : `${action}${on}: ${raw.trim()}`;
  return new PortError(kind, message, code);
}
