import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpu, parseQuantity, QuantityError, scaleFor } from '../../../src/model/quantity.js';

describe('parseQuantity in millis (cpu)', () => {
  it.each([
    ['1', 1000],
    ['2', 2000],
    ['0', 0],
    ['0.1', 100],
    ['.5', 500],
    ['1.', 1000],
    ['1.5', 1500],
    ['250m', 250],
    ['+250m', 250],
    ['0.5m', 1],
    ['1500u', 2],
    ['100n', 1],
    ['1k', 1_000_000],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    ['2.5e+2', 250_000],
    ['1e-9', 1],
    ['-0', 0],
    ['000250m', 250],
  ])('%s -> %i', (text, expected) => {
    expect(parseQuantity(text, 'milli')).toBe(expected);
  });

  it('accepts numbers as YAML and JSON decode them', () => {
    expect(parseQuantity(2, 'milli')).toBe(2000);
    expect(parseQuantity(0.1, 'milli')).toBe(100);
    expect(parseQuantity(0.25, 'milli')).toBe(250);
    expect(parseQuantity(1e-7, 'milli')).toBe(1);
  });
});

describe('parseQuantity in base units (memory, storage, extended resources)', () => {
  it.each([
    ['100', 100],
    ['1Ki', 1024],
    ['1Mi', 1024 ** 2],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['7934860Ki', 7934860 * 1024],
    ['1Pi', 1024 ** 5],
    ['0.1Ki', 103],
    ['1k', 1000],
    ['1M', 1_000_000],
    ['1G', 1_000_000_000],
    ['1T', 1e12],
    ['1P', 1e15],
    ['129e6', 129_000_000],
    ['1e3', 1000],
    ['100m', 1],
    ['1001m', 2],
    ['1000m', 1],
    ['0.000001', 1],
    ['1n', 1],
    ['1.1', 2],
  ])('%s -> %i', (text, expected) => {
    expect(parseQuantity(text, 'unit')).toBe(expected);
  });

  it('handles the largest safe value and no more', () => {
    expect(parseQuantity(String(Number.MAX_SAFE_INTEGER), 'unit')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseQuantity(String(Number.MAX_SAFE_INTEGER + 1), 'unit')).toThrow(QuantityError);
    // 1Ei is 2^60: beyond safe integers.
    expect(() => parseQuantity('1Ei', 'unit')).toThrow(/at most 9007199254740991 base units/);
    expect(() => parseQuantity('1E', 'unit')).toThrow(QuantityError);
    expect(() => parseQuantity('9007199254740991', 'milli')).toThrow(/millis/);
  });
});

describe('parseQuantity rejections', () => {
  it.each([
    'abc',
    '',
    ' 1',
    '1 ',
    '1.5.5',
    '1Kb',
    '1K',
    '1ki',
    '1e',
    '1e1.5',
    '1Gi2',
    '--1',
    '+',
    '.',
    'm',
    '0x10',
    '1,5',
    '1\n',
  ])('rejects %j as malformed', (text) => {
    expect(() => parseQuantity(text, 'unit')).toThrow(`expected a Kubernetes quantity like 500m, 2, 1.5Gi; found ${JSON.stringify(text)}`);
  });

  it('rejects values beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => parseQuantity('12345678901234567890', 'unit')).toThrow(QuantityError);
    expect(() => parseQuantity('1e999999999999999', 'unit')).toThrow(QuantityError);
    expect(() => parseQuantity(1e300, 'unit')).toThrow(QuantityError);
  });

  it('rejects negative amounts unless asked', () => {
    expect(() => parseQuantity('-1', 'milli')).toThrow(/non-negative/);
    expect(() => parseQuantity(-0.5, 'unit')).toThrow(/non-negative/);
    expect(parseQuantity('-1.5', 'milli', { allowNegative: true })).toBe(-1500);
    // Rounded away from zero, like Kubernetes.
    expect(parseQuantity('-1.5', 'unit', { allowNegative: true })).toBe(-2);
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseQuantity(Number.NaN, 'unit')).toThrow(QuantityError);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY, 'unit')).toThrow(QuantityError);
  });

  it('keeps the raw text on the error', () => {
    try {
      parseQuantity('12Gb', 'unit');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(QuantityError);
      expect((error as QuantityError).raw).toBe('12Gb');
    }
  });
});

describe('scaleFor', () => {
  it('uses millis for cpu only', () => {
    expect(scaleFor('cpu')).toBe('milli');
    expect(scaleFor('memory')).toBe('unit');
    expect(scaleFor('nvidia.com/gpu')).toBe('unit');
    expect(scaleFor('hugepages-2Mi')).toBe('unit');
  });
});

describe('formatCpu', () => {
  it.each([
    [250, '250m'],
    [2000, '2'],
    [1500, '1.5'],
    [1250, '1.25'],
    [1001, '1.001'],
    [0, '0'],
    [1, '1m'],
    [-500, '-500m'],
  ])('%i -> %s', (milli, text) => {
    expect(formatCpu(milli)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [100, '100'],
    [0, '0'],
    [1024, '1Ki'],
    [1536, '1.5Ki'],
    [512 * 1024 ** 2, '512Mi'],
    [1.5 * 1024 ** 3, '1.5Gi'],
    [1_000_000_000, '1G'],
    [2_500_000, '2.5M'],
    [7934860 * 1024, '7.57Gi'],
    [1023, '1023'],
  ])('%i -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('properties', () => {
  it('formatCpu output parses back to the same millicores', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (milli) => {
        expect(parseQuantity(formatCpu(milli), 'milli')).toBe(milli);
      }),
    );
  });

  it('an integer n with a binary suffix is n * 1024^k', () => {
    const suffixes = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1_000_000_000 }), (k, m) => {
        const suffix = suffixes[k] ?? 'Ki';
        // Keep n * 1024^k within safe integers.
        const n = m % Math.floor(Number.MAX_SAFE_INTEGER / 1024 ** (k + 1));
        expect(parseQuantity(`${n}${suffix}`, 'unit')).toBe(n * 1024 ** (k + 1));
      }),
    );
  });

  it('an integer n with a decimal suffix or exponent is n * 10^k, and millis of it are 1000 times more', () => {
    const suffixes: readonly (readonly [string, number])[] = [
      ['', 0],
      ['k', 3],
      ['M', 6],
      ['G', 9],
      ['e2', 2],
      ['E+4', 4],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...suffixes), fc.integer({ min: 0, max: 999_999 }), ([suffix, power], n) => {
        const text = `${n}${suffix}`;
        expect(parseQuantity(text, 'unit')).toBe(n * 10 ** power);
        if (n * 10 ** power * 1000 <= Number.MAX_SAFE_INTEGER) expect(parseQuantity(text, 'milli')).toBe(n * 10 ** power * 1000);
        else expect(() => parseQuantity(text, 'milli')).toThrow(QuantityError);
      }),
    );
  });

  it('a fractional memory amount rounds up to the next byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (milli) => {
        expect(parseQuantity(`${milli}m`, 'unit')).toBe(Math.ceil(milli / 1000));
      }),
    );
  });

  it('formatBytes is exact for whole hundredths of a binary unit, and within 0.5% otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 100, max: 102_399 }), (k, hundredths) => {
        // Exact arithmetic: a float division could round a fractional byte count to a whole one.
        const exact = BigInt(hundredths) * 1024n ** BigInt(k);
        if (exact % 100n !== 0n) return;
        const bytes = Number(exact / 100n);
        expect(parseQuantity(formatBytes(bytes), 'unit')).toBe(bytes);
      }),
    );
    fc.assert(
      // Up to 4Pi: near Number.MAX_SAFE_INTEGER the rounded text can name a value just past it.
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (bytes) => {
        const back = parseQuantity(formatBytes(bytes), 'unit');
        expect(Math.abs(back - bytes)).toBeLessThanOrEqual(Math.max(1, bytes * 0.005));
      }),
    );
  });
});

describe('parseQuantity on texts met again', () => {
  it('gives each scale its own value, and still refuses a negative text met before with allowNegative', () => {
    expect(parseQuantity('3', 'milli')).toBe(3000);
    expect(parseQuantity('3', 'unit')).toBe(3);
    expect(parseQuantity('3', 'milli')).toBe(3000);
    expect(parseQuantity('-2', 'unit', { allowNegative: true })).toBe(-2);
    expect(() => parseQuantity('-2', 'unit')).toThrow(QuantityError);
    expect(() => parseQuantity('-2', 'unit')).toThrow(QuantityError);
    expect(parseQuantity('-2', 'unit', { allowNegative: true })).toBe(-2);
  });
});
