/**
 * One sentence a person can read for a segment, shown beside the builder and in approval requests:
 * `dealer is true and lifting_mt is more than 100`.
 */
import { displayInstant } from './dates.ts';
import { parseSegment, type SegmentCheckOptions } from './segment-rules.ts';
import type { CheckedCondition, CheckedRule, SegmentRule, SegmentScalar } from './segment-types.ts';

function literal(v: SegmentScalar, c: CheckedCondition): string {
  if (typeof v === 'string') return c.type === 'date' ? displayInstant(v) : `"${v}"`;
  return String(v);
}

function oneOf(values: SegmentScalar[], c: CheckedCondition): string {
  return values.map((v) => literal(v, c)).join(', ');
}

function condition(c: CheckedCondition): string {
  const name = c.target.label;
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const [first = '', second = ''] = values;
  const v = literal(first, c);
  if (c.target.kind === 'column' && c.target.setWhenNotNull) {
    const yes = (c.op === '=') === (c.value === true);
    return `${name} is ${yes ? 'true' : 'false'}`;
  }
  switch (c.op) {
    case '=':
      return `${name} is ${v}`;
    case '!=':
      return `${name} is not ${v}`;
    case '>':
      return `${name} is more than ${v}`;
    case '>=':
      return `${name} is at least ${v}`;
    case '<':
      return `${name} is less than ${v}`;
    case '<=':
      return `${name} is at most ${v}`;
    case 'in':
      return values.length === 1 ? `${name} is ${v}` : `${name} is one of ${oneOf(values, c)}`;
    case 'not_in':
      return values.length === 1 ? `${name} is not ${v}` : `${name} is none of ${oneOf(values, c)}`;
    case 'contains':
      return `${name} contains ${v}`;
    case 'starts_with':
      return `${name} starts with ${v}`;
    case 'exists':
      return `${name} is ${c.value ? 'set' : 'not set'}`;
    case 'between':
      return `${name} is between ${v} and ${literal(second, c)}`;
    case 'before':
      return `${name} is before ${v}`;
    case 'after':
      return `${name} is after ${v}`;
    case 'within_last':
      return `${name} is within the last ${first === 1 ? 'day' : `${String(first)} days`}`;
  }
}

function sentence(r: CheckedRule, nested: boolean): string {
  switch (r.kind) {
    case 'condition':
      return condition(r);
    case 'not':
      return `not (${sentence(r.rule, false)})`;
    case 'all':
    case 'any': {
      if (r.rules.length === 1) return sentence(r.rules[0]!, nested);
      const text = r.rules.map((child) => sentence(child, true)).join(r.kind === 'all' ? ' and ' : ' or ');
      return nested ? `(${text})` : text;
    }
  }
}

/** Throws the same ValidationError as the compiler for an invalid tree. */
export function describeSegment(rule: SegmentRule | unknown, options: Pick<SegmentCheckOptions, 'fields'> = {}): string {
  return sentence(parseSegment(rule, options), false);
}
