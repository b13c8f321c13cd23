/**
 * How analytics figures are written: money in the company's currency and the reader's locale, from
 * the API's decimal strings (never through a float, so no cent is lost), rates with one decimal, and
 * "—" wherever a rate's denominator was zero (the API sends `null`, domain/metrics.ts).
 */
import { computed } from 'vue';
import { session } from '../../api/session.ts';

export const DASH = '—';

export interface Formatter {
  locale: string;
  currency: string;
  money(v: string | number | null | undefined): string;
  count(v: number | null | undefined): string;
  rate(v: number | null | undefined): string;
  multiple(v: number | null | undefined): string;
  /** A KPI's change: "+12", "−3.4 pp" for a rate, "+120.50 $" for money; "—" when not comparable. */
  delta(change: number | string | null | undefined, kind: KpiKind): string;
}

export type KpiKind = 'count' | 'rate' | 'money';

// Intl formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3"): "41.675" is not rounded
// through a binary double first. The lib typings still say number | bigint.
type Exact = number & { readonly exact?: never };
const exact = (v: string) => v as unknown as Exact;

export function createFormatter(currency: string, locale: string): Formatter {
  let moneyFmt: Intl.NumberFormat;
  try {
    moneyFmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
  } catch {
    moneyFmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  const countFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const rateFmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const signed = (s: string, negative: boolean) => (negative ? `−${s}` : `+${s}`);
  const f: Formatter = {
    locale,
    currency,
    money: (v) => (v === null || v === undefined || v === '' ? DASH : moneyFmt.format(typeof v === 'string' ? exact(v) : v).replace('-', '−')),
    count: (v) => (v === null || v === undefined || !Number.isFinite(v) ? DASH : countFmt.format(v)),
    rate: (v) => (v === null || v === undefined || !Number.isFinite(v) ? DASH : `${rateFmt.format(v).replace('-', '−')}\u00a0%`),
    multiple: (v) => (v === null || v === undefined || !Number.isFinite(v) ? DASH : `${rateFmt.format(v)}×`),
    delta(change, kind) {
      if (change === null || change === undefined) return DASH;
      if (kind === 'money') {
        const s = String(change);
        const neg = s.startsWith('-');
        return signed(moneyFmt.format(exact(neg ? s.slice(1) : s)), neg);
      }
      const n = Number(change);
      if (!Number.isFinite(n)) return DASH;
      if (kind === 'rate') return `${signed(rateFmt.format(Math.abs(n)), n < 0)}\u00a0pp`;
      return signed(countFmt.format(Math.abs(n)), n < 0);
    },
  };
  return f;
}

/** The reader's locale (the browser's), falling back to English. */
export function readerLocale(): string {
  return (typeof navigator !== 'undefined' && navigator.language) || 'en-US';
}

/** The formatter for the signed-in company, following the profile as it loads. */
export function useFormat() {
  return computed(() => createFormatter(session.profile?.company.currency ?? 'USD', readerLocale()));
}

/** Which way a change points, in words as well as an arrow (colour is never the only carrier). */
export function trendOf(change: number | string | null | undefined): 'up' | 'down' | 'flat' | null {
  if (change === null || change === undefined) return null;
  const n = typeof change === 'string' ? (change.startsWith('-') ? -1 : /[1-9]/.test(change) ? 1 : 0) : change;
  return n > 0 ? 'up' : n < 0 ? 'down' : 'flat';
}
