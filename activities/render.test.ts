import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate } from './render.ts';

describe('personalisation', () => {
  it('renders contact fields and attributes', () => {
    const t = compileTemplate('Hi {{ contact.first_name }}, you lifted {{ contact.lifting_mt }} MT{% if contact.tier == "gold" %} (gold){% endif %}');
    expect(renderTemplate(t, { contact: { first_name: 'Asha', lifting_mt: 120, tier: 'gold' } })).toBe('Hi Asha, you lifted 120 MT (gold)');
  });

  it('fails on a variable the recipient does not have, instead of sending a blank', () => {
    const t = compileTemplate('Hi {{ contact.nickname }}');
    expect(() => renderTemplate(t, { contact: { first_name: 'Asha' } })).toThrow(/undefined variable: contact.nickname/);
  });

  it('cannot reach prototypes, includes or unknown filters', () => {
    expect(() => renderTemplate(compileTemplate('{{ contact.constructor }}'), { contact: { a: 1 } })).toThrow(/undefined variable/);
    expect(() => renderTemplate(compileTemplate('{% include "/etc/passwd" %}'), {})).toThrow();
    expect(() => compileTemplate('{{ x | evil }}')).toThrow(/undefined filter: evil/);
  });

  it('stops a template that would run away', () => {
    const t = compileTemplate('{% for i in (1..100000000) %}x{% endfor %}');
    expect(() => renderTemplate(t, {})).toThrow(/limit/i);
  });

  it('prints a text-and-variables template exactly as liquidjs does, for every kind of value', () => {
    const sources = ['Hi {{ contact.first_name }}, {{contact.tier}} members: {{ campaign.name }}!', '{{ contact.first_name }}{{ contact.n }}', 'No personalisation at all.', ''];
    const values: unknown[] = ['Asha', '', null, 0, -0, 120, 1.5, 1e21, true, false, 'é😀 <b>&amp;</b>', '{{ contact.tier }}', [1, 2], { a: 1 }];
    for (const source of sources) {
      for (const v of values) {
        const vars = { contact: { first_name: v, tier: 'gold', n: v }, campaign: { name: 'Spring', code: 'SPR' } };
        // The same source with an empty tag after it can only be rendered by liquidjs.
        const viaLiquid = renderTemplate(compileTemplate(`${source}{% if true %}{% endif %}`), vars);
        expect(renderTemplate(compileTemplate(source), vars), `${source} with ${JSON.stringify(v)}`).toBe(viaLiquid);
      }
    }
  });

  it('still fails the recipient when a later variable is missing, and keeps liquidjs\'s size', () => {
    const t = compileTemplate('Hi {{ contact.first_name }}, your code is {{ contact.code }}');
    expect(() => renderTemplate(t, { contact: { first_name: 'Asha' } })).toThrow(/undefined variable: contact.code/);
    expect(renderTemplate(compileTemplate('{{ contact.first_name.size }}'), { contact: { first_name: 'Asha' } })).toBe('4');
  });
});
