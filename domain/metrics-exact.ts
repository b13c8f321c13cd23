/**
 * Exact arithmetic for the metric formulas: money as bigint counts of 1/10 000 of a unit (the scale
 * of the rollups' `numeric(20,4)` columns), ratios as bigint fractions. Nothing is a float until a
 * result is rounded, once, at the end — so 5 000 / 120 is 41.67 and never 41.666666666666664.
 *
 * Rounding is half away from zero (41.665 → 41.67, −2.5 → −3), the rule people expect from a
 * spreadsheet's ROUND.
 */
import { fromMinorUnits, parseMinor } from './money.ts';

/** Decimal places money is carried at inside the formulas. */
export const MONEY_SCALE = 4;
const MONEY_ONE = 10n ** BigInt(MONEY_SCALE);

/** A decimal string ("18000.0000", "-12.5") in 1/10 000 units; throws on anything else. */
export function money4(value: string): bigint {
  const parsed = parseMinor(value.trim(), MONEY_SCALE);
  if (!parsed.ok) throw new RangeError(`not a money amount with at most ${MONEY_SCALE} decimals: "${value}" (${parsed.reason})`);
  return parsed.minor;
}

/** a / b rounded half away from zero to an integer; b must not be 0. */
export function roundDiv(a: bigint, b: bigint): bigint {
  if (b < 0n) return roundDiv(-a, -b);
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

/** Money in 1/10 000 units as the canonical string in a currency of `exponent` decimals, rounded once. */
export function moneyOut(units: bigint, exponent: number): string {
  const shift = MONEY_SCALE - exponent;
  const minor = shift >= 0 ? roundDiv(units, 10n ** BigInt(shift)) : units * 10n ** BigInt(-shift);
  return fromMinorUnits(minor, exponent);
}

/** A money amount divided by a count, in the currency's minor units; null for a zero count. */
export function moneyPer(units: bigint, count: number, exponent: number): string | null {
  if (count === 0) return null;
  const minor = roundDiv(units * 10n ** BigInt(exponent), MONEY_ONE * BigInt(count));
  return fromMinorUnits(minor, exponent);
}

/** A ratio n / d with d > 0. */
export interface Fraction {
  n: bigint;
  d: bigint;
}

/** n / d, or null when d is 0 (a rate of nothing is unknown, not 0). */
export function fraction(n: bigint | number, d: bigint | number): Fraction | null {
  const nn = BigInt(n);
  const dd = BigInt(d);
  if (dd === 0n) return null;
  return dd < 0n ? { n: -nn, d: -dd } : { n: nn, d: dd };
}

/** The fraction as a decimal number rounded to `dp` places, times `factor` (100 for percent). */
export function decimalOf(f: Fraction | null, dp: number, factor = 1n): number | null {
  if (!f) return null;
  const scale = 10n ** BigInt(dp);
  const scaled = roundDiv(f.n * factor * scale, f.d);
  // The nearest double to a decimal with few places prints back as that decimal (JSON "72.2").
  return Number(scaled) / Number(scale);
}

/** Percent to `dp` places: 12 / 120 → 10 (dp 1). */
export function percent(n: bigint | number, d: bigint | number, dp: number): number | null {
  return decimalOf(fraction(n, d), dp, 100n);
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareFractions(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Precision of each term of a mean: 10^-12, far below any rounding the metrics apply. */
const MEAN_SCALE = 10n ** 12n;

/**
 * The mean of fractions; null for none. Each term is first rounded to 10^-12 (an exact common
 * denominator of a thousand unrelated costs would run to thousands of digits and take seconds),
 * so the result is within 10^-12 of the exact mean.
 */
export function meanOf(values: readonly Fraction[]): Fraction | null {
  if (values.length === 0) return null;
  let n = 0n;
  for (const v of values) n += roundDiv(v.n * MEAN_SCALE, v.d);
  return fraction(n, MEAN_SCALE * BigInt(values.length));
}

/** ceil(a / b) for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b > 0n ? q + 1n : q;
}

