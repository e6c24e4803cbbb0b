/** Random identifiers in the shapes Kubernetes and AWS print them, all drawn from a Prng. */
import type { Prng } from './prng.js';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alike characters). */
const KUBE_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `length` random lowercase hex digits (eight per 32-bit draw). */
export function hexString(prng: Prng, length: number): string {
  // Parts joined once give a flat string; repeated += would leave a tree of rope nodes alive in every id.
  const parts: string[] = [];
  for (let left = length; left > 0; left -= 8) {
    const w = prng.nextUint32();
    parts.push(BYTE_HEX[w >>> 24] as string, BYTE_HEX[(w >>> 16) & 255] as string, BYTE_HEX[(w >>> 8) & 255] as string, BYTE_HEX[w & 255] as string);
  }
  const out = parts.join('');
  return out.length === length ? out : out.slice(0, length);
}

/** A random (version 4, variant 1) UUID like metadata.uid. */
export function uuid(prng: Prng): string {
  const h = hexString(prng, 32);
  const variant = '89ab'[prng.int(0, 3)] ?? '8';
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A suffix like the ones generateName and pod-template-hash produce (`7d9f8b6c5`, `x2k9p`). */
export function kubeSuffix(prng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += KUBE_SUFFIX_ALPHABET[prng.int(0, KUBE_SUFFIX_ALPHABET.length - 1)];
  return out;
}

/** An EC2-style id: `i-`, `vol-`, `ami-` and so on followed by 17 hex digits. */
export function awsId(prng: Prng, prefix: string): string {
  return `${prefix}-${hexString(prng, 17)}`;
}

/** Dotted IPv4 text of a 32-bit address. */
export function ipv4(address: number): string {
  return `${(address >>> 24) & 255}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** The EC2 private DNS name of an address in us-east-1 (`ip-10-0-12-34.ec2.internal`) or elsewhere. */
export function ec2PrivateDnsName(address: number, region: string): string {
  const host = `ip-${ipv4(address).replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

const SERVICE_WORDS = [
  'cart', 'checkout', 'catalog', 'search', 'orders', 'payments', 'inventory', 'shipping', 'pricing', 'ledger', 'profile',
  'session', 'auth', 'notify', 'email', 'ranking', 'feed', 'media', 'thumbnail', 'invoice', 'fraud', 'quote', 'report',
  'export', 'import', 'audit', 'geo', 'tax', 'refund', 'review', 'wishlist', 'promo', 'loyalty', 'billing', 'metrics',
] as const;
const ROLE_WORDS = ['api', 'web', 'worker', 'consumer', 'gateway', 'cache', 'sync', 'indexer', 'scheduler', 'proxy', 'service'] as const;
const NAMESPACE_WORDS = [
  'storefront', 'payments', 'logistics', 'identity', 'data', 'growth', 'platform', 'search', 'messaging', 'finance',
  'marketing', 'support', 'media', 'analytics', 'partners', 'risk',
] as const;

/** Namespace names, stable for a given count: team-ish words, then numbered when the words run out. */
export function namespaceNames(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = NAMESPACE_WORDS[i % NAMESPACE_WORDS.length] ?? 'team';
    const round = Math.floor(i / NAMESPACE_WORDS.length);
    out.push(round === 0 ? word : `${word}-${round + 1}`);
  }
  return out;
}

/** Hands out workload names unique within each namespace. */
export class WorkloadNamer {
  /** `namespace/base` -> how many times the base was handed out. Role words hold no digits, so `base-N` never clashes. */
  private readonly uses = new Map<string, number>();

  constructor(private readonly prng: Prng) {}

  next(namespace: string, role?: string): string {
    const base = `${this.prng.pick(SERVICE_WORDS)}-${role ?? this.prng.pick(ROLE_WORDS)}`;
    const key = `${namespace}/${base}`;
    const n = (this.uses.get(key) ?? 0) + 1;
    this.uses.set(key, n);
    return n === 1 ? base : `${base}-${n}`;
  }
}
