import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { VSelect, VTextField } from 'vuetify/components';
import { checkSegment } from '../../../../domain/segment-rules.ts';
import { catalogue } from './catalogue.fixture.ts';
import RuleBuilder from './RuleBuilder.vue';

const TZ = 'Europe/Paris';
let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function render(modelValue: unknown = null, issues: { field: string; message: string }[] = []) {
  wrapper = mount(RuleBuilder, { props: { modelValue, catalogue, timeZone: TZ, issues }, attachTo: document.body });
  return wrapper;
}
const lastRules = (w: VueWrapper) => (w.emitted('update:modelValue') ?? []).at(-1)?.[0];
const condition = (w: VueWrapper, label: string) => w.find(`[role="group"][aria-label="Condition ${label}"]`);
const button = (w: VueWrapper, text: string) => w.findAll('button').find((b) => b.text().replace(/\s+/g, ' ').trim() === text)!;

/** Sets the Vuetify field labelled `label` inside the condition, as choosing from its menu does. */
async function choose(w: VueWrapper, conditionLabel: string, label: string, value: string) {
  const row = condition(w, conditionLabel);
  const selects = w.findAllComponents(VSelect).filter((s) => row.element.contains(s.element) && s.props('label') === label);
  const fields = w.findAllComponents(VTextField).filter((s) => row.element.contains(s.element) && s.props('label') === label);
  const target = selects[0] ?? fields[0];
  if (!target) throw new Error(`no ${label} in condition ${conditionLabel}`);
  if (selects[0]) await target.setValue(value);
  else await target.find('input').setValue(value);
  await flushPromises();
}

describe('RuleBuilder', () => {
  it('shows the catalogue’s fields and only the operators that apply to the chosen field', async () => {
    const w = render();
    expect(w.text()).toContain('every contact');
    await button(w, 'Add condition to Audience rules').trigger('click');
    const fieldSelect = w.findAllComponents(VSelect).find((s) => s.props('label') === 'Field')!;
    expect((fieldSelect.props('items') as { title: string }[]).map((i) => i.title)).toEqual([...catalogue.fields.map((f) => f.label), 'Custom attribute…']);
    await choose(w, '1', 'Field', 'created_at');
    const ops = w.findAllComponents(VSelect).find((s) => s.props('label') === 'Condition')!;
    expect((ops.props('items') as { title: string }[]).map((i) => i.title)).toEqual(['is before', 'is after', 'is between', 'is within the last', 'has a value']);
    await choose(w, '1', 'Condition', 'within_last');
    expect(condition(w, '1').find('input[type="number"]').exists()).toBe(true);
    expect(condition(w, '1').text()).toContain('days');
  });

  it('emits the rules JSON for nested groups as the user builds them, valid in the segment language', async () => {
    const w = render();
    await button(w, 'Add condition to Audience rules').trigger('click');
    await choose(w, '1', 'Field', 'region');
    await choose(w, '1', 'Condition', 'in');
    await choose(w, '1', 'Value', 'East, North');
    await button(w, 'Add group to Audience rules').trigger('click');
    await flushPromises();
    // A new group starts with one empty condition: 2.1.
    await choose(w, '2.1', 'Field', '@attribute');
    await choose(w, '2.1', 'Attribute name', 'lifting_mt');
    await choose(w, '2.1', 'Condition', '>');
    await choose(w, '2.1', 'Value', '100');
    await button(w, 'Add condition to Group 2').trigger('click');
    await choose(w, '2.2', 'Field', 'bounced');
    await choose(w, '2.2', 'Value', 'false');
    const groupMode = w.findAllComponents(VSelect).find((s) => s.props('label') === 'Group 2 matches')!;
    await groupMode.setValue('none');
    await flushPromises();

    const rules = lastRules(w);
    expect(rules).toEqual({
      all: [
        { field: 'region', op: 'in', value: ['East', 'North'] },
        { not: { any: [{ field: 'attributes.lifting_mt', op: '>', value: 100 }, { field: 'bounced', op: '=', value: false }] } },
      ],
    });
    expect(checkSegment(rules).ok).toBe(true);
  });

  it('is operable from the keyboard: focus lands on what was added, and on the add button after a removal', async () => {
    const w = render({ all: [{ field: 'region', op: '=', value: 'East' }] });
    const add = button(w, 'Add condition to Audience rules');
    (add.element as HTMLElement).focus();
    await add.trigger('click');
    await flushPromises();
    const second = condition(w, '2');
    expect(second.exists()).toBe(true);
    expect(second.element.contains(document.activeElement)).toBe(true);
    expect(document.activeElement?.tagName).toBe('INPUT');

    await second.find('button[aria-label="Remove condition 2"]').trigger('click');
    await flushPromises();
    expect(condition(w, '2').exists()).toBe(false);
    expect(document.activeElement).toBe(button(w, 'Add condition to Audience rules').element);
    // Every control has a name a screen reader announces.
    for (const b of w.findAll('button')) expect(b.attributes('aria-label') ?? b.text()).not.toBe('');
    // Adding emitted the new (empty) condition; removing it emits the rules as they were.
    expect(w.emitted('update:modelValue')!.map((e) => e[0])).toEqual([
      { all: [{ field: 'region', op: '=', value: 'East' }, { field: '', op: '' }] },
      { all: [{ field: 'region', op: '=', value: 'East' }] },
    ]);
  });

  it('puts the API’s issues on the condition they name, in words', async () => {
    const w = render({ all: [{ field: 'region', op: '=', value: 'East' }, { any: [{ field: 'attributes.score', op: '>', value: 'high' }] }] }, [
      { field: 'audience.rules.all[1].any[0].value', message: 'must be a number' },
    ]);
    await w.setProps({ path: 'audience.rules' });
    expect(condition(w, '2.1').text()).toContain('Value: must be a number');
    expect(condition(w, '1').text()).not.toContain('must be');
  });
});
