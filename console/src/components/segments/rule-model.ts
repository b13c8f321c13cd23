/**
 * The rule builder's editable tree and its two-way mapping to the segment language
 * (domain/segment-types.ts): groups match all / any / none of their children ("none" is
 * `{ not: { any } }`, or `{ not: rule }` for a single child); conditions keep what the user typed,
 * and the value is converted to the JSON the API expects only when the rules are emitted.
 */
import { instantToZoned, zonedToInstant } from '../wizard/time-zone.ts';

export interface CatalogueField {
  field: string;
  label: string;
  type: string;
  operators: readonly string[];
}
export interface Catalogue {
  fields: readonly CatalogueField[];
  attributes: { prefix: string; keyPattern: string; operators: readonly string[] };
  limits: Record<string, number>;
}

export type GroupMode = 'all' | 'any' | 'none';
export interface GroupNode {
  kind: 'group';
  id: number;
  mode: GroupMode;
  children: RuleNode[];
}
/** `field` is a catalogue field, ATTRIBUTE (then `key` names it) or '' (not chosen yet). */
export interface ConditionNode {
  kind: 'condition';
  id: number;
  field: string;
  key: string;
  op: string;
  text: string;
  text2: string;
}
export type RuleNode = GroupNode | ConditionNode;

export const ATTRIBUTE = '@attribute';

let nextId = 1;
export const newCondition = (): ConditionNode => ({ kind: 'condition', id: nextId++, field: '', key: '', op: '', text: '', text2: '' });
export const newGroup = (mode: GroupMode = 'all', children: RuleNode[] = [newCondition()]): GroupNode => ({ kind: 'group', id: nextId++, mode, children });

export const OPERATOR_LABELS: Record<string, string> = {
  '=': 'is',
  '!=': 'is not',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  starts_with: 'starts with',
  exists: 'has a value',
  between: 'is between',
  before: 'is before',
  after: 'is after',
  within_last: 'is within the last',
};

/** How a condition's value is entered, from the field's type and the operator. */
export type ValueKind = 'none' | 'text' | 'number' | 'flag' | 'date' | 'days' | 'auto' | 'list' | 'list-number' | 'list-auto' | 'range-number' | 'range-date' | 'range-auto';

export function fieldType(c: ConditionNode, catalogue: Catalogue): string | null {
  if (c.field === ATTRIBUTE) return 'attribute';
  return catalogue.fields.find((f) => f.field === c.field)?.type ?? null;
}

export function operatorsOf(c: ConditionNode, catalogue: Catalogue): readonly string[] {
  if (c.field === ATTRIBUTE) return catalogue.attributes.operators;
  return catalogue.fields.find((f) => f.field === c.field)?.operators ?? [];
}

export function valueKind(type: string | null, op: string): ValueKind {
  if (!type || !op) return 'none';
  if (op === 'exists') return 'flag';
  if (op === 'within_last') return 'days';
  if (op === 'before' || op === 'after') return 'date';
  const attr = type === 'attribute';
  if (op === 'in' || op === 'not_in') return type === 'number' ? 'list-number' : attr ? 'list-auto' : 'list';
  if (op === 'between') return type === 'number' ? 'range-number' : type === 'date' ? 'range-date' : 'range-auto';
  if (type === 'boolean') return 'flag';
  if (['>', '>=', '<', '<='].includes(op) || type === 'number') return 'number';
  if (attr && (op === '=' || op === '!=')) return 'auto';
  return 'text';
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const asNumber = (s: string): number | string => (NUMBER.test(s.trim()) ? Number(s.trim()) : s.trim());
/** An attribute's value typed as the user most likely meant it: true/false, a number, or text. */
const asAuto = (s: string): string | number | boolean => {
  const t = s.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  return NUMBER.test(t) ? Number(t) : t;
};
const items = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function emitValue(kind: ValueKind, c: ConditionNode, timeZone: string): unknown {
  const date = (s: string) => zonedToInstant(s, timeZone) ?? s;
  switch (kind) {
    case 'none':
      return undefined;
    case 'flag':
      return c.text !== 'false';
    case 'number':
    case 'days':
      return asNumber(c.text);
    case 'date':
      return date(c.text);
    case 'auto':
      return asAuto(c.text);
    case 'list':
      return items(c.text);
    case 'list-number':
      return items(c.text).map(asNumber);
    case 'list-auto':
      return items(c.text).map(asAuto);
    case 'range-number':
      return [asNumber(c.text), asNumber(c.text2)];
    case 'range-date':
      return [date(c.text), date(c.text2)];
    case 'range-auto':
      return NUMBER.test(c.text.trim()) ? [asNumber(c.text), asNumber(c.text2)] : [date(c.text), date(c.text2)];
    case 'text':
      return c.text;
  }
}

function parseValue(kind: ValueKind, value: unknown, timeZone: string): { text: string; text2: string } {
  const show = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && kind.includes('date') ? instantToZoned(v, timeZone).slice(0, 10) : v === undefined || v === null ? '' : String(v));
  if (kind === 'flag') return { text: value === false ? 'false' : 'true', text2: '' };
  if (Array.isArray(value)) {
    if (kind.startsWith('range')) {
      const dated = kind === 'range-date' || (kind === 'range-auto' && typeof value[0] === 'string');
      const one = (v: unknown) => (dated && typeof v === 'string' ? instantToZoned(v, timeZone).slice(0, 10) : show(v));
      return { text: one(value[0]), text2: one(value[1]) };
    }
    return { text: value.map(String).join(', '), text2: '' };
  }
  return { text: show(value), text2: '' };
}

/** The JSON rules for a tree; an empty root means every contact (null). */
export function toRules(root: GroupNode, catalogue: Catalogue, timeZone: string): unknown {
  if (root.children.length === 0) return null;
  return emitNode(root, catalogue, timeZone);
}

function emitNode(node: RuleNode, catalogue: Catalogue, timeZone: string): unknown {
  if (node.kind === 'condition') {
    const field = node.field === ATTRIBUTE ? catalogue.attributes.prefix + node.key.trim() : node.field;
    const value = emitValue(valueKind(fieldType(node, catalogue), node.op), node, timeZone);
    return { field, op: node.op, ...(value === undefined ? {} : { value }) };
  }
  const children = node.children.map((c) => emitNode(c, catalogue, timeZone));
  if (node.mode === 'none') return children.length === 1 ? { not: children[0] } : { not: { any: children } };
  return { [node.mode]: children };
}

/** Where each node sits in the emitted JSON (`rules.all[1].any[0]`), to put the API's issues on it. */
export function pathsOf(root: GroupNode, base = 'rules'): Map<number, string> {
  const paths = new Map<number, string>();
  const walk = (node: RuleNode, path: string) => {
    paths.set(node.id, path);
    if (node.kind !== 'group') return;
    node.children.forEach((child, i) => {
      if (node.mode === 'none') walk(child, node.children.length === 1 ? `${path}.not` : `${path}.not.any[${i}]`);
      else walk(child, `${path}.${node.mode}[${i}]`);
    });
  };
  if (root.children.length > 0) walk(root, base);
  return paths;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The editable tree for stored rules (null: an empty root, meaning every contact). */
export function fromRules(rules: unknown, catalogue: Catalogue, timeZone: string): GroupNode {
  if (rules === null || rules === undefined) return newGroup('all', []);
  const node = parseNode(rules, catalogue, timeZone);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

function parseNode(rule: unknown, catalogue: Catalogue, timeZone: string): RuleNode {
  if (!isRecord(rule)) return newCondition();
  if (Array.isArray(rule.all) || Array.isArray(rule.any)) {
    const mode = Array.isArray(rule.all) ? 'all' : 'any';
    return newGroup(mode, (rule[mode] as unknown[]).map((r) => parseNode(r, catalogue, timeZone)));
  }
  if ('not' in rule) {
    const inner = rule.not;
    if (isRecord(inner) && Array.isArray(inner.any)) return newGroup('none', inner.any.map((r) => parseNode(r, catalogue, timeZone)));
    return newGroup('none', [parseNode(inner, catalogue, timeZone)]);
  }
  const c = newCondition();
  const field = typeof rule.field === 'string' ? rule.field : '';
  if (field.startsWith(catalogue.attributes.prefix)) {
    c.field = ATTRIBUTE;
    c.key = field.slice(catalogue.attributes.prefix.length);
  } else c.field = field;
  c.op = typeof rule.op === 'string' ? rule.op : '';
  Object.assign(c, parseValue(valueKind(fieldType(c, catalogue), c.op), rule.value, timeZone));
  return c;
}

/** What the user still has to fill in before the rules can be counted, by node id. */
export function missingParts(root: GroupNode, catalogue: Catalogue): Map<number, string> {
  const missing = new Map<number, string>();
  const keyPattern = new RegExp(catalogue.attributes.keyPattern);
  const walk = (node: RuleNode) => {
    if (node.kind === 'group') {
      if (node.children.length === 0 && node !== root) missing.set(node.id, 'Add a condition to this group, or remove it');
      node.children.forEach(walk);
      return;
    }
    const kind = valueKind(fieldType(node, catalogue), node.op);
    if (!node.field) missing.set(node.id, 'Choose a field');
    else if (node.field === ATTRIBUTE && !keyPattern.test(node.key.trim())) missing.set(node.id, 'Name the attribute: letters, digits or underscores');
    else if (!node.op) missing.set(node.id, 'Choose a condition');
    else if (kind !== 'flag' && kind !== 'none' && node.text.trim() === '') missing.set(node.id, 'Enter a value');
    else if (kind.startsWith('range') && node.text2.trim() === '') missing.set(node.id, 'Enter both ends of the range');
  };
  walk(root);
  return missing;
}

export function depthOf(root: GroupNode, id: number): number {
  const find = (node: RuleNode, depth: number): number => {
    if (node.id === id) return depth;
    if (node.kind !== 'group') return -1;
    for (const c of node.children) {
      const d = find(c, depth + 1);
      if (d > 0) return d;
    }
    return -1;
  };
  return find(root, 1);
}
