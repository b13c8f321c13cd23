/**
 * Validation of segment-rule trees. Every problem is reported with the path of the offending node
 * (`rules.all[2].op`), all at once, so the segment builder can mark each one. The compiler and the
 * describer only ever see the checked form this file produces.
 */
import { ValidationError, type FieldIssue } from './errors.ts';
import { ISO_INSTANT_HINT, parseInstant } from './dates.ts';
import { isStorableText } from './text.ts';
import {
  ATTRIBUTE_KEY,
  ATTRIBUTE_PREFIX,
  CONTACT_FIELDS,
  operatorsFor,
  SEGMENT_LIMITS,
  SEGMENT_OPERATORS,
  type CheckedCondition,
  type CheckedRule,
  type CheckedTarget,
  type FieldCatalogue,
  type SegmentOperator,
  type SegmentRule,
  type SegmentScalar,
  type ValueType,
} from './segment-types.ts';

export * from './segment-types.ts';

export interface SegmentCheckOptions {
  fields?: FieldCatalogue;
  /** Path of the tree in the request body; issue fields start with it. Default `rules`. */
  path?: string;
  maxDepth?: number;
  maxConditions?: number;
}

export type SegmentCheck = { ok: true; rule: CheckedRule } | { ok: false; issues: FieldIssue[] };

type Raw = Record<string, unknown>;
type Value = SegmentScalar | SegmentScalar[];

const GROUP_KEYS = ['all', 'any', 'not'] as const;
const CONDITION_KEYS = ['field', 'op', 'value'];

const TYPE_HINT: Record<ValueType, string> = {
  string: 'must be a non-empty string',
  number: 'must be a number',
  boolean: 'must be true or false',
  date: `must be ${ISO_INSTANT_HINT}`,
  'string[]': 'must be a non-empty string',
};

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : String(v);
}

class Checker {
  readonly issues: FieldIssue[] = [];
  private conditions = 0;
  private readonly fields: FieldCatalogue;
  private readonly root: string;
  private readonly maxDepth: number;
  private readonly maxConditions: number;

  constructor(options: SegmentCheckOptions) {
    this.fields = options.fields ?? CONTACT_FIELDS;
    this.root = options.path ?? 'rules';
    this.maxDepth = options.maxDepth ?? SEGMENT_LIMITS.maxDepth;
    this.maxConditions = options.maxConditions ?? SEGMENT_LIMITS.maxConditions;
  }

  run(input: unknown): CheckedRule | null {
    return this.node(input, this.root, 1);
  }

  private issue(field: string, message: string): void {
    if (this.issues.length < SEGMENT_LIMITS.maxIssues) this.issues.push({ field, message });
  }

  private node(input: unknown, path: string, depth: number): CheckedRule | null {
    if (this.issues.length >= SEGMENT_LIMITS.maxIssues) return null;
    if (!isRecord(input)) {
      this.issue(path, 'must be a rule: { all: [...] }, { any: [...] }, { not: rule } or { field, op, value }');
      return null;
    }
    if (depth > this.maxDepth) {
      this.issue(path, `rules may nest at most ${this.maxDepth} levels deep`);
      return null;
    }
    const keys = Object.keys(input);
    const groups = GROUP_KEYS.filter((k) => k in input);
    const isCondition = CONDITION_KEYS.some((k) => k in input);
    if (groups.length + (isCondition ? 1 : 0) !== 1) {
      this.issue(path, 'must have exactly one of all, any, not, or a condition (field, op, value)');
      return null;
    }
    const allowed: readonly string[] = isCondition ? CONDITION_KEYS : groups;
    const unknown = keys.filter((k) => !allowed.includes(k));
    for (const k of unknown) this.issue(`${path}.${k}`, 'unknown property');
    const group = groups[0];
    const checked =
      group === 'not'
        ? this.negation(input.not, `${path}.not`, depth)
        : group
          ? this.group(group, input[group], `${path}.${group}`, depth)
          : this.condition(input, path);
    return unknown.length > 0 ? null : checked;
  }

  private negation(input: unknown, path: string, depth: number): CheckedRule | null {
    const rule = this.node(input, path, depth + 1);
    return rule && { kind: 'not', rule };
  }

  private group(kind: 'all' | 'any', list: unknown, path: string, depth: number): CheckedRule | null {
    if (!Array.isArray(list)) {
      this.issue(path, 'must be a list of rules');
      return null;
    }
    if (list.length === 0) {
      this.issue(path, 'must contain at least one rule');
      return null;
    }
    const rules = list.map((r, i) => this.node(r, `${path}[${i}]`, depth + 1));
    return rules.every((r) => r !== null) ? { kind, rules: rules as CheckedRule[] } : null;
  }

  private condition(input: Raw, path: string): CheckedCondition | null {
    this.conditions += 1;
    if (this.conditions === this.maxConditions + 1) {
      this.issue(this.root, `a segment may have at most ${this.maxConditions} conditions`);
    }
    const target = this.target(input.field, `${path}.field`);
    const op = this.operator(input.op, `${path}.op`);
    if (!target || !op) return null;
    const valuePath = `${path}.value`;
    let type: ValueType | null;
    if (target.kind === 'column') {
      const spec = this.fields[target.name]!;
      const ops = operatorsFor(spec);
      if (!ops.includes(op)) {
        this.issue(`${path}.op`, `${op} does not apply to ${target.name} (a ${spec.type} field); use one of ${ops.join(', ')}`);
        return null;
      }
      type = spec.type;
    } else {
      type = this.attributeType(op, input.value, valuePath);
    }
    if (!type) return null;
    const value = this.value(type, op, input.value, valuePath);
    return value === null ? null : { kind: 'condition', target, op, type, value };
  }

  private target(field: unknown, path: string): CheckedTarget | null {
    if (field === undefined) return this.fail(path, 'is required');
    if (typeof field !== 'string') return this.fail(path, 'must be a string');
    if (field.startsWith(ATTRIBUTE_PREFIX)) {
      const key = field.slice(ATTRIBUTE_PREFIX.length);
      if (!ATTRIBUTE_KEY.test(key)) {
        return this.fail(path, 'attribute names are 1 to 64 letters, digits or underscores, e.g. attributes.lifting_mt');
      }
      return { kind: 'attribute', name: field, key, label: key };
    }
    const spec = Object.hasOwn(this.fields, field) ? this.fields[field] : undefined;
    if (!spec) {
      return this.fail(path, `unknown field ${show(field)}; use one of ${Object.keys(this.fields).join(', ')} or attributes.<name>`);
    }
    return { kind: 'column', name: field, column: spec.column, label: spec.label, setWhenNotNull: spec.setWhenNotNull === true };
  }

  private operator(op: unknown, path: string): SegmentOperator | null {
    if (op === undefined) return this.fail(path, 'is required');
    if (typeof op === 'string' && (SEGMENT_OPERATORS as readonly string[]).includes(op)) return op as SegmentOperator;
    return this.fail(path, `unknown operator ${show(op)}; use one of ${SEGMENT_OPERATORS.join(', ')}`);
  }

  /** Attributes have no declared type: the operator and the value decide what is compared. */
  private attributeType(op: SegmentOperator, value: unknown, path: string): ValueType | null {
    const scalarType = (v: unknown): ValueType | null =>
      typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : null;
    switch (op) {
      case '=':
      case '!=':
        return scalarType(value) ?? this.fail(path, 'must be a string, a number or true/false');
      case '>':
      case '>=':
      case '<':
      case '<=':
        return 'number';
      case 'in':
      case 'not_in': {
        const first: unknown = Array.isArray(value) ? value[0] : undefined;
        const t = scalarType(first);
        return t === 'string' || t === 'number' ? t : this.fail(path, 'must be a non-empty list of strings or of numbers');
      }
      case 'between': {
        const first: unknown = Array.isArray(value) ? value[0] : undefined;
        if (typeof first === 'number') return 'number';
        if (typeof first === 'string') return 'date';
        return this.fail(path, `must be [low, high]: two numbers, or two dates (${ISO_INSTANT_HINT})`);
      }
      case 'contains':
      case 'starts_with':
      case 'exists':
        return 'string';
      case 'before':
      case 'after':
      case 'within_last':
        return 'date';
    }
  }

  private value(type: ValueType, op: SegmentOperator, raw: unknown, path: string): Value | null {
    switch (op) {
      case 'exists':
        if (raw === undefined) return true;
        return typeof raw === 'boolean' ? raw : this.fail(path, 'must be true or false, or left out (meaning true)');
      case 'within_last':
        return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= SEGMENT_LIMITS.maxDays
          ? raw
          : this.fail(path, `must be a whole number of days from 1 to ${SEGMENT_LIMITS.maxDays}`);
      case 'in':
      case 'not_in':
        return this.list(type, raw, path);
      case 'between':
        return this.range(type, raw, path);
      default:
        return this.scalar(type, raw, path);
    }
  }

  private list(type: ValueType, raw: unknown, path: string): SegmentScalar[] | null {
    if (!Array.isArray(raw) || raw.length === 0) return this.fail(path, 'must be a non-empty list');
    if (raw.length > SEGMENT_LIMITS.maxListValues) return this.fail(path, `may hold at most ${SEGMENT_LIMITS.maxListValues} values`);
    const values = raw.map((v: unknown, i) => this.scalar(type, v, `${path}[${i}]`));
    return values.every((v) => v !== null) ? (values as SegmentScalar[]) : null;
  }

  private range(type: ValueType, raw: unknown, path: string): SegmentScalar[] | null {
    if (!Array.isArray(raw) || raw.length !== 2) return this.fail(path, 'must be [low, high]');
    const low = this.scalar(type, raw[0], `${path}[0]`);
    const high = this.scalar(type, raw[1], `${path}[1]`);
    if (low === null || high === null) return null;
    // Numbers compare as numbers, canonical ISO strings compare as instants.
    return low > high ? this.fail(path, 'the low end must not be greater than the high end') : [low, high];
  }

  private scalar(type: ValueType, raw: unknown, path: string): SegmentScalar | null {
    switch (type) {
      case 'number':
        return typeof raw === 'number' && Number.isFinite(raw) ? raw : this.fail(path, TYPE_HINT.number);
      case 'boolean':
        return typeof raw === 'boolean' ? raw : this.fail(path, TYPE_HINT.boolean);
      case 'date': {
        const instant = typeof raw === 'string' ? parseInstant(raw) : null;
        return instant ? instant.toISOString() : this.fail(path, TYPE_HINT.date);
      }
      case 'string':
      case 'string[]':
        if (typeof raw !== 'string' || raw.length === 0) return this.fail(path, TYPE_HINT[type]);
        if (!isStorableText(raw)) return this.fail(path, 'must not contain NUL characters or broken Unicode');
        return raw.length <= SEGMENT_LIMITS.maxStringLength
          ? raw
          : this.fail(path, `must be at most ${SEGMENT_LIMITS.maxStringLength} characters`);
    }
  }

  private fail(path: string, message: string): null {
    this.issue(path, message);
    return null;
  }
}

/** Checks a tree from outside (a request body, a stored segment) without throwing. */
export function checkSegment(input: unknown, options: SegmentCheckOptions = {}): SegmentCheck {
  const checker = new Checker(options);
  const rule = checker.run(input);
  return rule && checker.issues.length === 0 ? { ok: true, rule } : { ok: false, issues: checker.issues };
}

export function segmentIssues(input: unknown, options: SegmentCheckOptions = {}): FieldIssue[] {
  const result = checkSegment(input, options);
  return result.ok ? [] : result.issues;
}

/** The checked form; throws a ValidationError (`invalid_segment`) listing every problem. */
export function parseSegment(input: unknown, options: SegmentCheckOptions = {}): CheckedRule {
  const result = checkSegment(input, options);
  if (!result.ok) throw new ValidationError(result.issues, 'invalid_segment');
  return result.rule;
}

/** Asserts that `input` is a valid tree and returns it typed, unchanged. */
export function validateSegment(input: unknown, options: SegmentCheckOptions = {}): SegmentRule {
  parseSegment(input, options);
  return input as SegmentRule;
}

/**
 * A campaign's audience from its segments' criteria: the contacts matching every criterion of any
 * one of its segments. No segment, or a segment without a criterion (it matches everyone — the
 * wizard's "every contact"): everyone, which is `null`.
 */
export function campaignAudience(perSegment: readonly (readonly SegmentRule[])[]): SegmentRule | null {
  if (perSegment.length === 0 || perSegment.some((rules) => rules.length === 0)) return null;
  const each = perSegment.map((rules) => (rules.length === 1 ? rules[0]! : { all: [...rules] }));
  return each.length === 1 ? each[0]! : { any: each };
}
