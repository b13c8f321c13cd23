import { describe, expect, it } from 'vitest';
import { checkSegment } from '../../../../domain/segment-rules.ts';
import { catalogue } from './catalogue.fixture.ts';
import { fromRules, missingParts, newCondition, newGroup, pathsOf, toRules, type ConditionNode } from './rule-model.ts';

const TZ = 'Europe/Paris';
const cond = (field: string, op: string, text = '', text2 = ''): ConditionNode => ({ ...newCondition(), field, op, text, text2 });

describe('rule tree ↔ segment language', () => {
  it('emits nested all / any / none groups the API accepts, with values typed by field and operator', () => {
    const root = newGroup('all', [
      cond('region', 'in', 'East, West'),
      newGroup('any', [cond('@attribute', '>', '100'), { ...cond('@attribute', '=', 'true'), key: 'dealer' }]),
      newGroup('none', [cond('unsubscribed', '=', 'true')]),
      newGroup('none', [cond('bounced', '=', 'true'), cond('created_at', 'within_last', '30')]),
    ]);
    (root.children[1] as { children: ConditionNode[] }).children[0]!.key = 'lifting_mt';
    const rules = toRules(root, catalogue, TZ);
    expect(rules).toEqual({
      all: [
        { field: 'region', op: 'in', value: ['East', 'West'] },
        { any: [{ field: 'attributes.lifting_mt', op: '>', value: 100 }, { field: 'attributes.dealer', op: '=', value: true }] },
        { not: { field: 'unsubscribed', op: '=', value: true } },
        { not: { any: [{ field: 'bounced', op: '=', value: true }, { field: 'created_at', op: 'within_last', value: 30 }] } },
      ],
    });
    expect(checkSegment(rules).ok).toBe(true);
  });

  it('reads dates in the company time zone and writes them back as the same instant', () => {
    const root = newGroup('all', [cond('created_at', 'between', '2026-01-01', '2026-06-30')]);
    const rules = toRules(root, catalogue, TZ) as { all: { value: string[] }[] };
    // Midnight in Paris is 23:00 UTC the day before in winter, 22:00 in summer.
    expect(rules.all[0]!.value).toEqual(['2025-12-31T23:00:00.000Z', '2026-06-29T22:00:00.000Z']);
    const again = fromRules(rules, catalogue, TZ).children[0] as ConditionNode;
    expect([again.text, again.text2]).toEqual(['2026-01-01', '2026-06-30']);
  });

  it('round-trips stored rules, and an empty root means every contact', () => {
    const stored = { any: [{ field: 'first_name', op: 'starts_with', value: 'Al' }, { not: { all: [{ field: 'phone', op: 'exists', value: false }, { field: 'attributes.score', op: 'between', value: [1, 5] }] } }] };
    expect(toRules(fromRules(stored, catalogue, TZ), catalogue, TZ)).toEqual(stored);
    expect(toRules(fromRules(null, catalogue, TZ), catalogue, TZ)).toBeNull();
    expect(toRules(fromRules({ field: 'region', op: '=', value: 'East' }, catalogue, TZ), catalogue, TZ)).toEqual({ all: [{ field: 'region', op: '=', value: 'East' }] });
  });

  it('knows the path of every node in the emitted JSON, as the API names it in its issues', () => {
    const a = cond('region', '=', 'East');
    const b = cond('phone', 'exists', 'true');
    const c = cond('email', 'contains', 'x');
    const none = newGroup('none', [b, c]);
    const root = newGroup('any', [a, none]);
    const paths = pathsOf(root, 'audience.rules');
    expect([paths.get(a.id), paths.get(none.id), paths.get(b.id), paths.get(c.id)]).toEqual([
      'audience.rules.any[0]',
      'audience.rules.any[1]',
      'audience.rules.any[1].not.any[0]',
      'audience.rules.any[1].not.any[1]',
    ]);
    // The paths match the API's own issue paths for the same tree.
    c.text = '';
    const check = checkSegment(toRules(root, catalogue, TZ), { path: 'audience.rules' });
    expect(check.ok ? [] : check.issues.map((i) => i.field)).toEqual([`${paths.get(c.id)}.value`]);
  });

  it('says what is still missing before the rules can be counted', () => {
    const empty = newCondition();
    const noValue = cond('region', '=');
    const badKey = { ...cond('@attribute', '='), key: 'no spaces' };
    const emptyGroup = newGroup('all', []);
    const root = newGroup('all', [empty, noValue, badKey, emptyGroup, cond('bounced', '=', 'true')]);
    expect([...missingParts(root, catalogue).values()]).toEqual([
      'Choose a field',
      'Enter a value',
      'Name the attribute: letters, digits or underscores',
      'Add a condition to this group, or remove it',
    ]);
  });
});
