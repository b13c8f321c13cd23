/**
 * Strict ISO 8601 instants, parsed without the host's time zone: a date alone means midnight UTC,
 * a date-time must carry `Z` or an offset. `Date.parse` is not used because it accepts 2024-02-31
 * (rolling it into March) and reads zone-less date-times in local time.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

export const ISO_INSTANT_HINT = 'a date such as 2025-01-31 or a date-time with a zone such as 2025-01-31T09:00:00Z';

export function parseInstant(value: string): Date | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const midnight = new Date(Date.UTC(year, month, day));
  if (midnight.getUTCFullYear() !== year || midnight.getUTCMonth() !== month || midnight.getUTCDate() !== day) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(oh) > 14 || Number(om) > 59) return null;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return new Date(midnight.getTime() + ((Number(h) * 60 + Number(mi) - offsetMin) * 60 + Number(s)) * 1000 + ms);
}

/** A Date, or an ISO string as `parseInstant` reads it; null for anything else or an invalid Date. */
export function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  return typeof value === 'string' ? parseInstant(value) : null;
}

/** "2025-01-31" for a UTC midnight, the full ISO string otherwise: how people read an instant. */
export function displayInstant(iso: string): string {
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

export const DAY_MS = 86_400_000;
