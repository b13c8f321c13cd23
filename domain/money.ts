/**
 * Money without floats. Amounts travel as decimal strings ("5000.00", as PostgreSQL `numeric`
 * returns them) and are computed as bigint counts of the currency's minor unit (cents for USD,
 * yen for JPY, fils for KWD). Rounding happens once, at the edge, never silently here.
 */
import { ValidationError } from './errors.ts';
import { currencyExponent } from './currency.ts';

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type MinorParse = { ok: true; minor: bigint } | { ok: false; reason: string };

/**
 * Parses a plain decimal string into minor units of a currency with `exponent` decimal places.
 * Extra decimal places are accepted only when they are zeros ("5000.000" for USD, "100.00" for
 * JPY, as a `numeric(15,2)` column returns it); anything that would need rounding is refused.
 */
export function parseMinor(value: string, exponent: number): MinorParse {
  const m = DECIMAL.exec(value);
  if (!m) return { ok: false, reason: 'must be a decimal number such as 1250.00' };
  const [, sign, whole = '', frac = ''] = m;
  const kept = frac.slice(0, exponent);
  if (/[^0]/.test(frac.slice(exponent))) {
    return {
      ok: false,
      reason: exponent === 0 ? 'must be a whole number in this currency' : `must have at most ${exponent} decimal places`,
    };
  }
  const minor = BigInt(whole + kept.padEnd(exponent, '0'));
  return { ok: true, minor: sign && minor !== 0n ? -minor : minor };
}

/** Minor units of `value` in `currency`; throws a ValidationError naming `field` when it is not money. */
export function toMinorUnits(value: string, currency: string, field = 'amount'): bigint {
  const parsed = parseMinor(value, currencyExponent(currency));
  if (!parsed.ok) throw ValidationError.field(field, parsed.reason);
  return parsed.minor;
}

/** The canonical decimal string for `minor` units: `500000n, 2` → "5000.00", `-5n, 2` → "-0.05". */
export function fromMinorUnits(minor: bigint, exponent: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${frac}` : ''}`;
}

/** Canonical string of an amount in `currency`: "5000" in USD → "5000.00". */
export function normalizeAmount(value: string, currency: string, field = 'amount'): string {
  const exp = currencyExponent(currency);
  return fromMinorUnits(toMinorUnits(value, currency, field), exp);
}

/** For messages people read: `600000n, 'USD'` → "6,000.00 USD". Locale-free, so deterministic. */
export function displayMoney(minor: bigint, currency: string): string {
  const plain = fromMinorUnits(minor, currencyExponent(currency));
  const [whole = '', frac] = plain.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const grouped = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`} ${currency}`;
}

export function compareMinor(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sum of decimal strings in one currency, as a canonical decimal string. */
export function sumAmounts(values: readonly string[], currency: string): string {
  const total = values.reduce((acc, v, i) => acc + toMinorUnits(v, currency, `amounts[${i}]`), 0n);
  return fromMinorUnits(total, currencyExponent(currency));
}
