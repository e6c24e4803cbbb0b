/** PortError, the one error type the engine's ports throw: which kinds are retried, and how it prints. */
import { describe, expect, it } from 'vitest';
import { PortError, type PortErrorKind } from '../../../src/engine/ports.js';

describe('PortError', () => {
  it('is transient for the kinds a retry can cure, and permanent for the others', () => {
    const kinds: PortErrorKind[] = ['connectivity', 'throttled', 'server', 'forbidden', 'not-found', 'conflict', 'invalid'];
    expect(Object.fromEntries(kinds.map((k) => [k, new PortError(k, 'x').transient]))).toEqual({
      connectivity: true,
      throttled: true,
      server: true,
      // A 409 on an optimistic write: read again and retry.
      conflict: true,
      forbidden: false,
      'not-found': false,
      invalid: false,
    });
  });

  it('prints as a PortError with its message, and keeps the API\'s own code', () => {
    const e = new PortError('forbidden', 'You are not authorized to perform this operation.', 'UnauthorizedOperation');
    expect(String(e)).toBe('PortError: You are not authorized to perform this operation.');
    expect(e).toBeInstanceOf(Error);
    expect([e.kind, e.code]).toEqual(['forbidden', 'UnauthorizedOperation']);
    expect(new PortError('server', 'boom').code).toBeNull();
  });
});
