/** Decimal money strings as the API sends them ("5000.00"), shown and compared without floats. */

const SCALE = 4;

/** "1234.5" → 12345000n (four decimals), so shares are computed exactly. */
export function scaled(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) throw new Error(`not a decimal amount: ${amount}`);
  const fraction = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const v = BigInt(m[2]!) * 10n ** BigInt(SCALE) + BigInt(fraction);
  return m[1] ? -v : v;
}

/** `part` as a percentage of `whole`, one decimal, 0 when the whole is 0. */
export function percentOf(part: string, whole: string): number {
  const w = scaled(whole);
  if (w <= 0n) return 0;
  return Number((scaled(part) * 1000n) / w) / 10;
}

/** "1234567.50" → "1,234,567.50" (grouping by the reader's locale, digits untouched). */
export function groupDigits(amount: string): string {
  const neg = amount.startsWith('-');
  const [int = '0', frac] = (neg ? amount.slice(1) : amount).split('.');
  const sep = (1000).toLocaleString().replace(/\d/g, '') || ',';
  const dec = (1.5).toLocaleString().replace(/\d/g, '') || '.';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return `${neg ? '−' : ''}${grouped}${frac !== undefined ? dec + frac : ''}`;
}

/** total − a − b as a decimal string with the scale of `total`. */
export function minus(total: string, ...parts: string[]): string {
  const v = parts.reduce((acc, p) => acc - scaled(p), scaled(total));
  const digits = (total.split('.')[1] ?? '').length;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const unit = 10n ** BigInt(SCALE);
  const int = abs / unit;
  const frac = (abs % unit).toString().padStart(SCALE, '0').slice(0, digits);
  return `${neg ? '-' : ''}${int}${digits ? `.${frac}` : ''}`;
}
