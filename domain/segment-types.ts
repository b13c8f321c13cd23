/**
 * The segment-rule language: a JSON tree of `all` / `any` / `not` groups over conditions on contact
 * columns (from a catalogue) and JSONB attributes (`attributes.<key>`).
 *
 *   { all: [ { field: 'attributes.dealer', op: '=', value: true },
 *            { field: 'attributes.lifting_mt', op: '>', value: 100 } ] }
 *
 * Semantics, stated once: a condition matches only contacts that have a value satisfying it; the
 * negative operators (`!=`, `not_in`, `exists: false`) and `not` are exact complements of their
 * positive forms, so they also match contacts that have no value at all.
 */

export const SEGMENT_OPERATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'exists',
  'between',
  'before',
  'after',
  'within_last',
] as const;

export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];

export type SegmentScalar = string | number | boolean;

/** `value` by operator: scalar; list for in/not_in; [low, high] for between; days for within_last; optional boolean for exists. */
export interface SegmentCondition {
  field: string;
  op: SegmentOperator;
  value?: SegmentScalar | SegmentScalar[];
}
export interface SegmentAll {
  all: SegmentRule[];
}
export interface SegmentAny {
  any: SegmentRule[];
}
export interface SegmentNot {
  not: SegmentRule;
}
export type SegmentRule = SegmentAll | SegmentAny | SegmentNot | SegmentCondition;

export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'string[]';

export interface ContactField {
  /** Column of the contacts table: a plain lower-case SQL identifier, never user input. */
  column: string;
  type: FieldType;
  /** What the console and `describeSegment` call it. */
  label: string;
  /**
   * A boolean stored as a nullable timestamp: true when the column is set (`unsubscribed` is
   * `unsubscribed_at IS NOT NULL`). Only `=` and `!=` apply.
   */
  setWhenNotNull?: boolean;
}

export type FieldCatalogue = Readonly<Record<string, ContactField>>;

/** The contact columns a segment may filter on, by the name rules use. */
export const CONTACT_FIELDS: FieldCatalogue = {
  email: { column: 'email', type: 'string', label: 'Email' },
  phone: { column: 'phone', type: 'string', label: 'Phone' },
  whatsapp_number: { column: 'whatsapp_number', type: 'string', label: 'WhatsApp number' },
  push_token: { column: 'push_token', type: 'string', label: 'Push token' },
  first_name: { column: 'first_name', type: 'string', label: 'First name' },
  last_name: { column: 'last_name', type: 'string', label: 'Last name' },
  region: { column: 'region', type: 'string', label: 'Region' },
  time_zone: { column: 'time_zone', type: 'string', label: 'Time zone' },
  created_at: { column: 'created_at', type: 'date', label: 'Created' },
  updated_at: { column: 'updated_at', type: 'date', label: 'Last updated' },
  unsubscribed: { column: 'unsubscribed_at', type: 'boolean', label: 'Unsubscribed', setWhenNotNull: true },
  bounced: { column: 'bounced_at', type: 'boolean', label: 'Bounced', setWhenNotNull: true },
  complained: { column: 'complained_at', type: 'boolean', label: 'Complained', setWhenNotNull: true },
};

/** Which operators apply to a column of each type. */
export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly SegmentOperator[]>> = {
  string: ['=', '!=', 'in', 'not_in', 'contains', 'starts_with', 'exists'],
  number: ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'between', 'exists'],
  boolean: ['=', '!=', 'exists'],
  date: ['before', 'after', 'between', 'within_last', 'exists'],
  'string[]': ['contains', 'in', 'not_in', 'exists'],
};

/** Attributes are typed by the operator and value, so every operator applies. */
export const ATTRIBUTE_PREFIX = 'attributes.';
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_]{1,64}$/;

export const SEGMENT_LIMITS = {
  /** Nodes on the path from the root to the deepest node, the root counting as 1. */
  maxDepth: 8,
  maxConditions: 200,
  maxListValues: 1000,
  maxStringLength: 500,
  maxDays: 36_500,
  /** Issues reported before validation gives up on a hopeless tree. */
  maxIssues: 50,
} as const;

export function operatorsFor(field: ContactField): readonly SegmentOperator[] {
  return field.setWhenNotNull ? ['=', '!='] : OPERATORS_BY_TYPE[field.type];
}

/** The catalogue as the segment builder needs it (served by the API). */
export function describeCatalogue(fields: FieldCatalogue = CONTACT_FIELDS): {
  field: string;
  label: string;
  type: FieldType;
  operators: readonly SegmentOperator[];
}[] {
  return Object.entries(fields).map(([field, spec]) => ({
    field,
    label: spec.label,
    type: spec.type,
    operators: operatorsFor(spec),
  }));
}

/* ---- The validated form the compiler and describer work on (built by segment-rules.ts). ---- */

export type CheckedTarget =
  | { kind: 'column'; name: string; column: string; label: string; setWhenNotNull: boolean }
  | { kind: 'attribute'; name: string; key: string; label: string };

/** The type the comparison works in (for attributes: inferred from the operator and value). */
export type ValueType = FieldType;

export interface CheckedCondition {
  kind: 'condition';
  target: CheckedTarget;
  op: SegmentOperator;
  type: ValueType;
  /**
   * Normalised value: dates are canonical ISO strings (UTC), lists are arrays, `exists` is a
   * boolean, `within_last` an integer number of days.
   */
  value: SegmentScalar | SegmentScalar[];
}

export type CheckedRule =
  | { kind: 'all'; rules: CheckedRule[] }
  | { kind: 'any'; rules: CheckedRule[] }
  | { kind: 'not'; rule: CheckedRule }
  | CheckedCondition;
