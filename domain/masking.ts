/**
 * Masking of personal contact fields for roles without the `pii:read` permission (seed 001 §10.2).
 * A masked value keeps just enough to tell two contacts apart in a list (the e-mail's first letter
 * and domain, a phone's country prefix and last four digits) and never reveals the hidden length of
 * an e-mail's local part.
 */

const STAR = '*';

/** `john.smith@example.com` → `j***@example.com`; something that is not an address → `***`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) return '***';
  return `${[...value.slice(0, at)][0]}***${value.slice(at)}`;
}

/**
 * `+15551234567` → `+1******4567`: the first two characters and the last four stay, every other
 * character becomes a star. Numbers too short to keep that much are starred entirely.
 */
export function maskPhone(value: string): string {
  const chars = [...value];
  if (chars.length <= 7) return STAR.repeat(chars.length);
  return chars.slice(0, 2).join('') + STAR.repeat(chars.length - 6) + chars.slice(-4).join('');
}

/** Push tokens and other opaque identifiers: the first four characters and a fixed `****`. */
export function maskToken(value: string): string {
  const chars = [...value];
  return chars.length <= 8 ? '****' : `${chars.slice(0, 4).join('')}****`;
}

export type AddressChannel = 'email' | 'sms' | 'whatsapp' | 'push' | 'webhook';

/** A channel address (as in the suppression list) masked by what kind of address it is. */
export function maskAddress(channel: AddressChannel, address: string): string {
  if (channel === 'email') return maskEmail(address);
  if (channel === 'sms' || channel === 'whatsapp') return maskPhone(address);
  return maskToken(address);
}

export interface PersonalFields {
  email?: string | null;
  phone?: string | null;
  whatsappNumber?: string | null;
  pushToken?: string | null;
}

/** A copy of `contact` with its personal fields masked; `null` stays `null`. */
export function maskContact<T extends PersonalFields>(contact: T): T {
  const out = { ...contact };
  if (out.email != null) out.email = maskEmail(out.email);
  if (out.phone != null) out.phone = maskPhone(out.phone);
  if (out.whatsappNumber != null) out.whatsappNumber = maskPhone(out.whatsappNumber);
  if (out.pushToken != null) out.pushToken = maskToken(out.pushToken);
  return out;
}
