import { describe, expect, it } from 'vitest';
import { maskAddress, maskContact, maskEmail, maskPhone, maskToken } from './masking.ts';

describe('maskEmail', () => {
  it('keeps the first letter and the domain, hiding the local part and its length', () => {
    expect(maskEmail('john@example.com')).toBe('j***@example.com');
    expect(maskEmail('j@example.com')).toBe('j***@example.com');
    expect(maskEmail('a.very.long.name@example.com')).toBe('a***@example.com');
  });
  it('masks whatever is not an address entirely', () => {
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('john@')).toBe('***');
  });
  it('does not split a character outside the BMP', () => {
    expect(maskEmail('😀x@example.com')).toBe('😀***@example.com');
  });
});

describe('maskPhone', () => {
  it('keeps the country prefix and the last four digits, one star per hidden digit', () => {
    expect(maskPhone('+15551234567')).toBe('+1******4567');
    expect(maskPhone('+447700900123')).toBe('+4*******0123');
  });
  it('stars short numbers entirely', () => {
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('+123456')).toBe('*******');
  });
});

describe('maskToken', () => {
  it('keeps four characters and hides the length', () => {
    expect(maskToken('abcdefghijklmnopqrstuvwxyz')).toBe('abcd****');
    expect(maskToken('short')).toBe('****');
  });
});

describe('maskAddress', () => {
  it('masks by channel', () => {
    expect(maskAddress('email', 'ann@example.com')).toBe('a***@example.com');
    expect(maskAddress('sms', '+15551234567')).toBe('+1******4567');
    expect(maskAddress('whatsapp', '+15551234567')).toBe('+1******4567');
    expect(maskAddress('push', 'token-0123456789')).toBe('toke****');
  });
});

describe('maskContact', () => {
  it('masks every personal field, leaves the rest and nulls alone, and does not touch the input', () => {
    const contact = { id: 'x', email: 'ann@example.com', phone: '+15551234567', whatsappNumber: null, pushToken: 'tok_abcdefghijk', firstName: 'Ann' };
    expect(maskContact(contact)).toEqual({ id: 'x', email: 'a***@example.com', phone: '+1******4567', whatsappNumber: null, pushToken: 'tok_****', firstName: 'Ann' });
    expect(contact.email).toBe('ann@example.com');
  });
});
