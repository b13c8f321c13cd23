/**
 * Money the dashboard left out because its currency had no exchange rate on its days, said in
 * words: "Not counted: 50.00 EUR of revenue (20 Feb – 28 Feb) has no exchange rate". Amounts stay
 * in their own currency, as the API sends them; a zero amount is not mentioned.
 */
import type { Summary } from './types.ts';

export type NotConverted = NonNullable<Summary['notConverted']>[number];

const PARTS = [
  ['revenue', 'revenue'],
  ['cost', 'spend'],
  ['unattributedRevenue', 'unattributed revenue'],
  ['budget', 'budget'],
] as const;

const isZero = (v: string) => !/[1-9]/.test(v);
const day = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

function list(parts: string[]): string {
  return parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** One sentence per currency; null when nothing of that currency is left out. */
export function notConvertedSentence(n: NotConverted): string | null {
  const parts = PARTS.filter(([k]) => !isZero(n[k])).map(([k, words]) => `${n[k]} ${n.currency} of ${words}`);
  if (!parts.length) return null;
  const when = n.from && n.to ? ` (${n.from === n.to ? day(n.from) : `${day(n.from)} – ${day(n.to)}`})` : '';
  return `Not counted: ${list(parts)}${when} ${parts.length === 1 ? 'has' : 'have'} no exchange rate`;
}
