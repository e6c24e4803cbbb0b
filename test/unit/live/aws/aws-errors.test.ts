import { describe, expect, it } from 'vitest';
import { PortError } from '../../../../src/engine/ports.js';
import { awsErrorKind, toAwsPortError } from '../../../../src/live/aws/aws-errors.js';

/** An error shaped as the SDK throws a service error: the API's code as `name`, the HTTP status in $metadata. */
function serviceError(name: string, status: number, message = 'x'): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('AWS errors as PortErrors', () => {
  it('classifies by the API code, then the transport, then the status', () => {
    expect(awsErrorKind(serviceError('UnauthorizedOperation', 403))).toBe('forbidden');
    expect(awsErrorKind(serviceError('AccessDenied', 403))).toBe('forbidden');
    expect(awsErrorKind(serviceError('RequestLimitExceeded', 503))).toBe('throttled');
    expect(awsErrorKind(serviceError('Throttling', 400))).toBe('throttled');
    expect(awsErrorKind(serviceError('ScalingActivityInProgress', 400))).toBe('conflict');
    expect(awsErrorKind(serviceError('InvalidInstanceID.NotFound', 400))).toBe('not-found');
    expect(awsErrorKind(serviceError('InternalError', 500))).toBe('server');
    expect(awsErrorKind(serviceError('ValidationError', 400))).toBe('invalid');
    expect(awsErrorKind(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('connectivity');
    expect(awsErrorKind(serviceError('TimeoutError', 0))).toBe('connectivity');
  });

  it('a refusal names the IAM action to grant and the instances; transient kinds stay transient', () => {
    const e = toAwsPortError(serviceError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'), 'ec2:TerminateInstances', ['i-1', 'i-2']);
    expect(e).toBeInstanceOf(PortError);
    expect(e.kind).toBe('forbidden');
    expect(e.code).toBe('UnauthorizedOperation');
    expect(e.transient).toBe(false);
    expect(e.message).toBe(
      'ec2:TerminateInstances on i-1, i-2 was refused (You are not authorized to perform this operation.): grant the IAM action ec2:TerminateInstances to the credentials vngshift runs with',
    );
    const t = toAwsPortError(serviceError('RequestLimitExceeded', 503), 'ec2:DescribeInstances', []);
    expect(t.transient).toBe(true);
    expect(t.message).toBe('ec2:DescribeInstances: x');
    const same = new PortError('invalid', 'kept');
    expect(toAwsPortError(same, 'a', [])).toBe(same);
  });
});
