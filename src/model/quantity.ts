/**
 * Kubernetes resource quantities (resource.Quantity), parsed exactly.
 *
 * A quantity is `<sign><digits>[.<digits>]<suffix>` where the suffix is a decimal SI prefix (n u m k M G T P E), a binary
 * prefix (Ki Mi Gi Ti Pi Ei), a decimal exponent (e3, E-3, e+2) or nothing. The arithmetic is done on BigInt so "0.1" cpu is
 * exactly 100m. Like Kubernetes' Value() and MilliValue(), the result is rounded up (away from zero) to a whole number.
 */

import { CPU } from './types.js';

export type QuantityScale = 'milli' | 'unit';

/** A value that is not a valid quantity here. The message is a complete "expected ...; found ..." sentence. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    /** The raw text that was rejected. */
    readonly raw: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParseQuantityOptions {
  /** Accept a leading minus sign. Off by default: resource amounts are never negative. */
  readonly allowNegative?: boolean;
}

const DECIMAL_SUFFIX_EXPONENT: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

/** Binary suffix -> power of two. */
const BINARY_SUFFIX_POWER: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

const NUMBER_PART = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/s;
const EXPONENT_SUFFIX = /^[eE]([+-]?)([0-9]+)$/;
/** Longer strings are not quantities anyone writes; refusing them keeps BigInt work bounded. */
const MAX_TEXT_LENGTH = 128;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const LOG10_2 = Math.log10(2);

function malformed(raw: string): QuantityError {
  return new QuantityError(raw, `expected a Kubernetes quantity like 500m, 2, 1.5Gi; found ${JSON.stringify(raw)}`);
}

function quantityText(raw: string | number): string {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) {
      throw new QuantityError(String(raw), `expected a Kubernetes quantity like 500m, 2, 1.5Gi; found the number ${String(raw)}`);
    }
    // String() gives the shortest text that reads back as the same double (e.g. 0.1 -> "0.1", 1e21 -> "1e+21"),
    // and every such text is valid quantity syntax.
    return String(raw);
  }
  return raw;
}

/**
 * Parses a Kubernetes quantity and returns it in millis (`'milli'`, like MilliValue: cpu) or in base units (`'unit'`, like
 * Value: memory, storage, extended resources), rounded up to an integer.
 * @throws QuantityError for malformed text, a negative value (unless allowed), or a result beyond Number.MAX_SAFE_INTEGER.
 */
export function parseQuantity(raw: string | number, scale: QuantityScale, options: ParseQuantityOptions = {}): number {
  if (typeof raw !== 'string' || options.allowNegative === true) return parseQuantityText(quantityText(raw), scale, options);
  // A cluster writes the same few quantities on thousands of pods: each text is parsed once per scale.
  const seen = scale === 'milli' ? seenMilli : seenUnit;
  let value = seen.get(raw);
  if (value === undefined) {
    value = parseQuantityText(raw, scale, options);
    if (seen.size >= MAX_SEEN) seen.clear();
    seen.set(raw, value);
  }
  return value;
}

/** Non-negative quantity texts already parsed, per scale (the map starts again beyond MAX_SEEN). */
const seenMilli = new Map<string, number>();
const seenUnit = new Map<string, number>();
const MAX_SEEN = 10_000;

function parseQuantityText(text: string, scale: QuantityScale, options: ParseQuantityOptions): number {
  if (text.length === 0 || text.length > MAX_TEXT_LENGTH) throw malformed(text);
  const parts = NUMBER_PART.exec(text);
  if (parts === null) throw malformed(text);
  const sign = parts[1] ?? '';
  const intDigits = parts[2] ?? '';
  const fracDigits = parts[3] ?? '';
  const suffix = parts[4] ?? '';
  if (intDigits.length === 0 && fracDigits.length === 0) throw malformed(text);

  let exp10: number;
  let exp2 = 0;
  const decimal = DECIMAL_SUFFIX_EXPONENT.get(suffix);
  const binary = BINARY_SUFFIX_POWER.get(suffix);
  if (decimal !== undefined) {
    exp10 = decimal;
  } else if (binary !== undefined) {
    exp10 = 0;
    exp2 = binary;
  } else {
    const exponent = EXPONENT_SUFFIX.exec(suffix);
    if (exponent === null) throw malformed(text);
    const digits = (exponent[2] ?? '').replace(/^0+/, '');
    // Beyond twelve digits the exponent is absurd either way; the size checks below then reject or round it.
    const magnitude = digits.length > 12 ? 1e12 : Number(digits || '0');
    exp10 = exponent[1] === '-' ? -magnitude : magnitude;
  }
  exp10 -= fracDigits.length;
  if (scale === 'milli') exp10 += 3;

  const mantissa = BigInt((intDigits + fracDigits).replace(/^0+/, '') || '0');
  if (mantissa === 0n) return 0;
  const negative = sign === '-';
  if (negative && options.allowNegative !== true) {
    throw new QuantityError(text, `expected a non-negative quantity (resource amounts cannot be negative); found ${JSON.stringify(text)}`);
  }

  // Estimate the size before doing exact work, so "1e999999" costs nothing.
  const log10Estimate = mantissa.toString().length - 1 + exp10 + exp2 * LOG10_2;
  let magnitude: bigint;
  if (log10Estimate > 17) {
    throw tooLarge(text, scale);
  } else if (log10Estimate < -3) {
    // A positive amount far below one unit: rounding up gives exactly one.
    magnitude = 1n;
  } else {
    const numerator = mantissa * 10n ** BigInt(Math.max(exp10, 0)) * 2n ** BigInt(exp2);
    const denominator = 10n ** BigInt(Math.max(-exp10, 0));
    magnitude = numerator / denominator;
    if (numerator % denominator !== 0n) magnitude += 1n;
    if (magnitude > MAX_SAFE) throw tooLarge(text, scale);
  }
  const value = Number(magnitude);
  return negative ? -value : value;
}

function tooLarge(text: string, scale: QuantityScale): QuantityError {
  const unit = scale === 'milli' ? 'millis' : 'base units';
  return new QuantityError(
    text,
    `expected a quantity of at most ${Number.MAX_SAFE_INTEGER} ${unit}; found ${JSON.stringify(text)}, which is larger`,
  );
}

/** 'milli' for cpu (kept in millicores), 'unit' for every other resource. */
export function scaleFor(resourceName: string): QuantityScale {
  return resourceName === CPU ? 'milli' : 'unit';
}

/** Millicores as Kubernetes users write them: 250 -> "250m", 2000 -> "2", 1500 -> "1.5". */
export function formatCpu(milli: number): string {
  if (milli < 0) return `-${formatCpu(-milli)}`;
  const whole = Math.floor(milli / 1000);
  const rest = milli - whole * 1000;
  if (rest === 0) return String(whole);
  if (whole === 0 && Number.isInteger(rest)) return `${rest}m`;
  const fraction = String(Math.round(rest)).padStart(3, '0').replace(/0+$/, '');
  return `${whole}.${fraction}`;
}

const BINARY_UNITS: readonly (readonly [string, bigint])[] = [
  ['Ei', 2n ** 60n],
  ['Pi', 2n ** 50n],
  ['Ti', 2n ** 40n],
  ['Gi', 2n ** 30n],
  ['Mi', 2n ** 20n],
  ['Ki', 2n ** 10n],
];

const DECIMAL_UNITS: readonly (readonly [string, bigint])[] = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['k', 10n ** 3n],
];

/** `amount / unit` with at most two decimals when that is exact, else null. */
function exactInUnit(amount: bigint, unit: bigint): string | null {
  if ((amount * 100n) % unit !== 0n) return null;
  return hundredthsText((amount * 100n) / unit);
}

function hundredthsText(hundredths: bigint): string {
  const whole = hundredths / 100n;
  const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole.toString()}.${fraction}`;
}

/**
 * Bytes for reports: 536870912 -> "512Mi", 1610612736 -> "1.5Gi", 100 -> "100", 1000000000 -> "1G". Exact whenever the
 * amount is a whole number of hundredths of its largest binary (else decimal) unit; otherwise rounded to two decimals of the
 * largest binary unit (7934860Ki -> "7.57Gi"), which is what a reader wants.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  if (!Number.isInteger(bytes)) return String(bytes);
  const amount = BigInt(bytes);
  const binary = BINARY_UNITS.find(([, size]) => amount >= size);
  if (binary === undefined) return amount.toString();
  const [binaryName, binarySize] = binary;
  const exactBinary = exactInUnit(amount, binarySize);
  if (exactBinary !== null) return `${exactBinary}${binaryName}`;
  const decimal = DECIMAL_UNITS.find(([, size]) => amount >= size);
  if (decimal !== undefined) {
    const exactDecimal = exactInUnit(amount, decimal[1]);
    if (exactDecimal !== null) return `${exactDecimal}${decimal[0]}`;
  }
  // Round half up to hundredths of the binary unit.
  const hundredths = (amount * 200n + binarySize) / (2n * binarySize);
  return `${hundredthsText(hundredths)}${binaryName}`;
}
