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
});
