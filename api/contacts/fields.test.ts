import { describe, expect, it } from 'vitest';
import { attributeValue, checkContactValues, consentValue, csvColumns, csvRow, normalizeEmail, normalizePhone } from './fields.ts';

describe('contact field normalisation', () => {
  it('lower-cases e-mail and refuses what is not an address', () => {
    expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(normalizeEmail('ann@example')).toBeNull();
    expect(normalizeEmail('ann example@x.io')).toBeNull();
  });
  it('brings phone numbers to E.164', () => {
    expect(normalizePhone('+1 (555) 123-4567')).toBe('+15551234567');
    expect(normalizePhone('555 123 4567')).toBeNull();
    expect(normalizePhone('+0123456789')).toBeNull();
  });
  it('names each bad field with the prefix', () => {
    const { issues, values } = checkContactValues({ email: 'nope', phone: '+15551234567', timeZone: 'Mars/Base', firstName: 'x'.repeat(101), attributes: { 'bad key': 1 } }, 'contact.');
    expect(issues.map((i) => i.field)).toEqual(['contact.email', 'contact.timeZone', 'contact.firstName', 'contact.attributes.bad key']);
    expect(values.phone).toBe('+15551234567');
  });
  it('types attribute cells, keeping leading-zero codes as text', () => {
    expect(attributeValue('150')).toBe(150);
    expect(attributeValue('-2.5')).toBe(-2.5);
    expect(attributeValue('02134')).toBe('02134');
    expect(attributeValue('TRUE')).toBe(true);
    expect(attributeValue('gold')).toBe('gold');
  });
  it('reads consent cells', () => {
    expect(consentValue('Yes')).toBe(true);
    expect(consentValue('0')).toBe(false);
    expect(consentValue(' ')).toBeNull();
    expect(consentValue('maybe')).toBe('invalid');
  });
});

describe('CSV header and rows', () => {
  it('maps the header and names unknown, duplicate and missing columns', () => {
    expect(csvColumns(['Email', 'first_name', 'attributes.tier', 'consent_sms']).issues).toEqual([]);
    const { issues } = csvColumns(['phone', 'colour', 'phone', 'attributes.bad key']);
    expect(issues.map((i) => i.field)).toEqual(['header[1]', 'header[2]', 'header[3]', 'header']);
  });
  it('turns a row into normalised values or a reason', () => {
    const { columns } = csvColumns(['email', 'phone', 'attributes.tier', 'consent_email']);
    const ok = csvRow(columns, ['Ann@X.io', '', 'gold', 'yes'], '2026-01-01T00:00:00.000Z');
    expect(ok).toEqual({
      row: expect.objectContaining({ email: 'ann@x.io', phone: null, attributes: { tier: 'gold' }, consent: { email: { granted: true, source: 'import', at: '2026-01-01T00:00:00.000Z' } } }),
    });
    expect(csvRow(columns, ['a@x.io', 'x', '', ''], '')).toEqual({ reason: expect.stringMatching(/^phone: must be a phone number/) });
    expect(csvRow(columns, ['', '', '', ''], '')).toEqual({ reason: 'email: is required' });
    expect(csvRow(columns, ['a@x.io'], '')).toEqual({ reason: 'has 1 fields, the header has 4' });
    expect(csvRow(columns, ['a@x.io', '', '', 'perhaps'], '')).toEqual({ reason: expect.stringMatching(/^consent_email/) });
  });
});
