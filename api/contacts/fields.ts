/**
 * What a contact's fields may hold, checked the same way for a JSON body and for a CSV row:
 * e-mail lower-cased, phone numbers in E.164, IANA time zones, attribute keys of the segment
 * language. Pure functions; the CSV import maps its header through `csvColumns`.
 */
import { CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { ATTRIBUTE_KEY } from '../../domain/segment-types.ts';
import { isStorableText } from '../../domain/text.ts';
import type { FieldIssue } from '../../domain/errors.ts';

export type Channel = (typeof CAMPAIGN_CHANNELS)[number];

const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]+$/;

export function normalizeEmail(value: string): string | null {
  const v = value.trim().toLowerCase();
  return v.length <= 254 && EMAIL.test(v) ? v : null;
}

/** `+1 (555) 123-4567` → `+15551234567`; null unless it is an E.164 number once the punctuation is gone. */
export function normalizePhone(value: string): string | null {
  const v = value.trim().replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(v) ? v : null;
}

const zones = new Set(Intl.supportedValuesOf('timeZone'));
export function isTimeZone(value: string): boolean {
  return zones.has(value) || value === 'UTC';
}

export const MESSAGES = {
  email: 'must be an e-mail address',
  phone: 'must be a phone number in E.164 form, e.g. +15551234567',
  timeZone: 'must be an IANA time zone, e.g. Europe/Paris',
  text: 'must not contain NUL characters or broken Unicode',
  attributeKey: 'attribute names are 1 to 64 letters, digits or underscores',
} as const;

/** The columns of the contacts table a request may write, with their limits. */
export const TEXT_LIMITS = { firstName: 100, lastName: 100, region: 64, pushToken: 512 } as const;

export interface ContactValues {
  email?: string | null;
  phone?: string | null;
  whatsappNumber?: string | null;
  pushToken?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  region?: string | null;
  timeZone?: string | null;
  attributes?: Record<string, unknown>;
}

/** Normalised values, or the issues naming each bad field (`prefix` + field). */
export function checkContactValues(input: ContactValues, prefix = ''): { values: ContactValues; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const values: ContactValues = {};
  const bad = (field: string, message: string) => issues.push({ field: `${prefix}${field}`, message });
  for (const [key, raw] of Object.entries(input) as [keyof ContactValues, unknown][]) {
    if (raw === undefined) continue;
    if (raw === null || key === 'attributes') {
      (values as Record<string, unknown>)[key] = raw;
      continue;
    }
    const text = String(raw);
    if (!isStorableText(text)) {
      bad(key, MESSAGES.text);
      continue;
    }
    if (key === 'email') {
      const email = normalizeEmail(text);
      if (email === null) bad(key, MESSAGES.email);
      else values.email = email;
    } else if (key === 'phone' || key === 'whatsappNumber') {
      const phone = normalizePhone(text);
      if (phone === null) bad(key, MESSAGES.phone);
      else values[key] = phone;
    } else if (key === 'timeZone') {
      if (!isTimeZone(text.trim())) bad(key, MESSAGES.timeZone);
      else values.timeZone = text.trim();
    } else {
      const limit = TEXT_LIMITS[key];
      const trimmed = text.trim();
      if (trimmed.length > limit) bad(key, `must be at most ${limit} characters`);
      else values[key] = trimmed === '' ? null : trimmed;
    }
  }
  if (values.attributes) {
    for (const [k, v] of Object.entries(values.attributes)) {
      if (!ATTRIBUTE_KEY.test(k)) bad(`attributes.${k}`, MESSAGES.attributeKey);
      else if (typeof v === 'string' && !isStorableText(v)) bad(`attributes.${k}`, MESSAGES.text);
    }
  }
  return { values, issues };
}

/**
 * A CSV cell as an attribute value: numbers and true/false become JSON numbers and booleans (so
 * segment rules compare them as such), except numbers with a leading zero (postcodes, ids), which
 * stay text.
 */
export function attributeValue(cell: string): string | number | boolean {
  const v = cell.trim();
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(v)) return Number(v);
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return v;
}

export function consentValue(cell: string): boolean | null | 'invalid' {
  const v = cell.trim().toLowerCase();
  if (v === '') return null;
  if (['true', 'yes', 'y', '1', 'granted'].includes(v)) return true;
  if (['false', 'no', 'n', '0', 'withdrawn'].includes(v)) return false;
  return 'invalid';
}

type TextField = Exclude<keyof ContactValues, 'attributes'>;

const CSV_FIELDS: Record<string, TextField> = {
  email: 'email',
  phone: 'phone',
  whatsapp: 'whatsappNumber',
  whatsapp_number: 'whatsappNumber',
  push_token: 'pushToken',
  first_name: 'firstName',
  last_name: 'lastName',
  region: 'region',
  time_zone: 'timeZone',
};

export type CsvColumn = { kind: 'field'; field: TextField } | { kind: 'attribute'; key: string } | { kind: 'consent'; channel: Channel };

export const CSV_HEADER_HELP = `columns: ${Object.keys(CSV_FIELDS).join(', ')}, consent_<channel> (${CAMPAIGN_CHANNELS.join(', ')}) and attributes.<name>`;

/** The header row mapped to columns, or the issues naming each bad header cell (`header[2]`). */
export function csvColumns(header: string[]): { columns: CsvColumn[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const columns: CsvColumn[] = [];
  const seen = new Set<string>();
  header.forEach((cell, i) => {
    const name = cell.trim();
    const lower = name.toLowerCase();
    const field = `header[${i}]`;
    let column: CsvColumn | null = null;
    if (Object.hasOwn(CSV_FIELDS, lower)) column = { kind: 'field', field: CSV_FIELDS[lower]! };
    else if (lower.startsWith('attributes.')) {
      const key = name.slice('attributes.'.length);
      if (ATTRIBUTE_KEY.test(key)) column = { kind: 'attribute', key };
      else issues.push({ field, message: `"${name}": ${MESSAGES.attributeKey}` });
    } else if (/^consent[._]/.test(lower) && (CAMPAIGN_CHANNELS as readonly string[]).includes(lower.slice(8))) {
      column = { kind: 'consent', channel: lower.slice(8) as Channel };
    } else issues.push({ field, message: `unknown column "${name.slice(0, 60)}"; ${CSV_HEADER_HELP}` });
    if (column) {
      const id = column.kind === 'field' ? column.field : column.kind === 'attribute' ? `a:${column.key}` : `c:${column.channel}`;
      if (seen.has(id)) issues.push({ field, message: `"${name}" appears twice` });
      seen.add(id);
      columns.push(column);
    }
  });
  if (!columns.some((c) => c.kind === 'field' && c.field === 'email')) issues.push({ field: 'header', message: 'an email column is required (imports match contacts on it)' });
  return { columns, issues };
}

export interface ImportRow {
  email: string;
  phone: string | null;
  whatsapp_number: string | null;
  push_token: string | null;
  first_name: string | null;
  last_name: string | null;
  region: string | null;
  time_zone: string | null;
  attributes: Record<string, unknown>;
  consent: Record<string, { granted: boolean; source: string; at: string }>;
}

/** One data row, or why it is rejected. Empty cells leave the stored value alone. */
export function csvRow(columns: CsvColumn[], cells: string[], at: string): { row: ImportRow } | { reason: string } {
  if (cells.length !== columns.length) return { reason: `has ${cells.length} fields, the header has ${columns.length}` };
  const input: ContactValues = {};
  const attributes: Record<string, unknown> = {};
  const consent: ImportRow['consent'] = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const cell = cells[i]!;
    if (column.kind === 'field') {
      if (cell.trim() !== '') input[column.field] = cell;
    } else if (column.kind === 'attribute') {
      if (cell.trim() !== '') attributes[column.key] = attributeValue(cell);
    } else {
      const granted = consentValue(cell);
      if (granted === 'invalid') return { reason: `consent_${column.channel}: must be true or false (yes/no, 1/0)` };
      if (granted !== null) consent[column.channel] = { granted, source: 'import', at };
    }
  }
  if (input.email === undefined) return { reason: 'email: is required' };
  const { values, issues } = checkContactValues({ ...input, attributes });
  if (issues.length) return { reason: issues.map((i) => `${i.field}: ${i.message}`).join('; ') };
  return {
    row: {
      email: values.email!,
      phone: values.phone ?? null,
      whatsapp_number: values.whatsappNumber ?? null,
      push_token: values.pushToken ?? null,
      first_name: values.firstName ?? null,
      last_name: values.lastName ?? null,
      region: values.region ?? null,
      time_zone: values.timeZone ?? null,
      attributes,
      consent,
    },
  };
}
