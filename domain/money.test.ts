import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import {
  compareMinor,
  displayMoney,
  fromMinorUnits,
  normalizeAmount,
  parseMinor,
  sumAmounts,
  toMinorUnits,
} from './money.ts';
import { currencyExponent, currencyProblem, ISO_4217, isIso4217, isMonetaryCurrency } from './currency.ts';

describe('parseMinor', () => {
  it('reads decimal strings into minor units', () => {
    expect(parseMinor('5000.00', 2)).toEqual({ ok: true, minor: 500000n });
    expect(parseMinor('5000', 2)).toEqual({ ok: true, minor: 500000n });
    expect(parseMinor('0.1', 2)).toEqual({ ok: true, minor: 10n });
    expect(parseMinor('-12.5', 2)).toEqual({ ok: true, minor: -1250n });
    expect(parseMinor('-0.00', 2)).toEqual({ ok: true, minor: 0n });
    expect(parseMinor('1.234', 3)).toEqual({ ok: true, minor: 1234n });
    expect(parseMinor('1500', 0)).toEqual({ ok: true, minor: 1500n });
  });

  it('keeps precision far beyond what a double can hold', () => {
    expect(parseMinor('90071992547409931.07', 2)).toEqual({ ok: true, minor: 9007199254740993107n });
  });

  it('accepts trailing zeros beyond the exponent, as numeric(15,2) returns them', () => {
    expect(parseMinor('100.00', 0)).toEqual({ ok: true, minor: 100n });
    expect(parseMinor('5.1000', 2)).toEqual({ ok: true, minor: 510n });
  });

  it('refuses anything that would need rounding or is not a plain decimal', () => {
    expect(parseMinor('0.005', 2)).toEqual({ ok: false, reason: 'must have at most 2 decimal places' });
    expect(parseMinor('100.5', 0)).toEqual({ ok: false, reason: 'must be a whole number in this currency' });
    for (const bad of ['', ' 1', '1,000', '1e3', '+5', '.5', '5.', 'NaN', 'Infinity', '0x10']) {
      expect(parseMinor(bad, 2), bad).toEqual({ ok: false, reason: 'must be a decimal number such as 1250.00' });
    }
  });
});

describe('conversions', () => {
  it('formats minor units back to canonical decimals', () => {
    expect(fromMinorUnits(500000n, 2)).toBe('5000.00');
    expect(fromMinorUnits(-5n, 2)).toBe('-0.05');
    expect(fromMinorUnits(7n, 3)).toBe('0.007');
    expect(fromMinorUnits(1500n, 0)).toBe('1500');
    expect(fromMinorUnits(0n, 2)).toBe('0.00');
  });

  it('normalises and sums per currency', () => {
    expect(normalizeAmount('5000', 'USD')).toBe('5000.00');
    expect(normalizeAmount('5000.00', 'JPY')).toBe('5000');
    expect(normalizeAmount('1.5', 'KWD')).toBe('1.500');
    expect(sumAmounts(['0.10', '0.20'], 'USD')).toBe('0.30');
    expect(sumAmounts([], 'EUR')).toBe('0.00');
  });

  it('names the field when a value is not money', () => {
    let caught: unknown;
    try {
      toMinorUnits('12.345', 'USD', 'budget');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues).toEqual([{ field: 'budget', message: 'must have at most 2 decimal places' }]);
    expect(() => sumAmounts(['1', 'x'], 'USD')).toThrow('amounts[1]: must be a decimal number such as 1250.00');
  });

  it('displays amounts for people without a locale', () => {
    expect(displayMoney(600000n, 'USD')).toBe('6,000.00 USD');
    expect(displayMoney(-123456789n, 'JPY')).toBe('-123,456,789 JPY');
    expect(displayMoney(5n, 'EUR')).toBe('0.05 EUR');
  });

  it('compares', () => {
    expect(compareMinor(1n, 2n)).toBe(-1);
    expect(compareMinor(2n, 2n)).toBe(0);
    expect(compareMinor(3n, 2n)).toBe(1);
  });
});

describe('ISO 4217', () => {
  it('knows the active codes and their minor units', () => {
    expect(Object.keys(ISO_4217)).toHaveLength(178);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(isIso4217('XCG')).toBe(true);
    expect(isIso4217('HRK')).toBe(false);
    expect(isIso4217('toString')).toBe(false);
    expect(isMonetaryCurrency('XAU')).toBe(false);
    expect(() => currencyExponent('XAU')).toThrow('XAU is not a monetary ISO 4217 currency');
  });

  it('explains why a company cannot use a currency', () => {
    const supported = ['USD', 'EUR'];
    expect(currencyProblem('USD', supported)).toBeNull();
    expect(currencyProblem('usd', supported)).toBe('must be a three-letter ISO 4217 code in capitals, e.g. USD');
    expect(currencyProblem('ABC', supported)).toBe('ABC is not an ISO 4217 currency code');
    expect(currencyProblem('XAU', supported)).toBe('XAU has no minor unit and cannot hold a budget');
    expect(currencyProblem('GBP', supported)).toBe("GBP is not one of the company's currencies (USD, EUR)");
    expect(currencyProblem('GBP', [])).toBe("GBP is not one of the company's currencies (none configured)");
  });
});
