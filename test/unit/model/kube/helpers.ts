/** Builders for small Kubernetes objects in tests, and a helper to capture InputErrors. */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { InputError } from '../../../../src/model/errors.js';

export type Json = Record<string, unknown>;

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url)), 'utf8');
}

export function pod(name: string, spec: Json, metadata: Json = {}, status: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec, status };
}

export function container(name: string, requests: Json = {}, limits: Json = {}, extra: Json = {}): Json {
  return { name, image: `${name}:1`, resources: { requests, limits }, ...extra };
}

export function list(...items: unknown[]): Json {
  return { apiVersion: 'v1', kind: 'List', items };
}

/** Runs `fn`, expects an InputError, and returns it. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}
