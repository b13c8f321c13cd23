import { describe, expect, it } from 'vitest';
import { attributeKeys, emptyForm, fieldLabel, formFrom, payloadOf, stepOf } from './draft.ts';

describe('wizard draft', () => {
  it('sends what the user typed: counts as numbers, rates as decimal strings, only the campaign channel’s filled-in content', () => {
    const form = emptyForm('America/New_York', 'USD', new Date('2026-03-07T12:00:00Z'));
    expect(form.start).toBe('2026-03-08T09:00');
    form.name = 'Spring';
    form.targets.leads = '120';
    form.targets.conversionRate = '2.5';
    form.targets.conversions = '12.5';
    form.content = { email: { subject: 'Hi', html: '' }, sms: { body: 'left over' } };
    const body = payloadOf(form, 'America/New_York');
    // 09:00 on the day New York moves to daylight time is 13:00Z (UTC−4).
    expect(body.startAt).toBe('2026-03-08T13:00:00.000Z');
    expect(body.targets).toEqual({ leads: 120, conversionRate: '2.5', conversions: '12.5' });
    expect(body.content).toEqual({ email: { subject: 'Hi' } });
    expect(body).not.toHaveProperty('budget');
    expect(body).not.toHaveProperty('code');
  });

  it('puts every field the API may name on its step, in the form’s words', () => {
    expect(['name', 'audience.rules.all[0].value', 'content.email.subject', 'endAt', 'targets.roi', 'variants', '(body)'].map(stepOf)).toEqual([
      'details',
      'audience',
      'content',
      'schedule',
      'budget',
      'content',
      'review',
    ]);
    expect(['content.email.subject', 'startAt', 'audience.rules.any[1].op', 'targets.roi'].map(fieldLabel)).toEqual(['Subject', 'Start', 'Audience rules', 'Target ROI']);
  });

  it('offers the custom attributes the rules use as personalisation fields', () => {
    const rules = { all: [{ field: 'attributes.tier', op: '=', value: 'gold' }, { not: { any: [{ field: 'region', op: '=', value: 'East' }, { field: 'attributes.lifting_mt', op: '>', value: 100 }] } }] };
    expect(attributeKeys(rules)).toEqual(['lifting_mt', 'tier']);
    expect(attributeKeys(null)).toEqual([]);
  });

  it('shows a variant’s copy of the main content as empty ("as in the main message") and sends it whole again', () => {
    const stored = {
      name: 'Spring', code: 'CMP-1', description: null, type: 'promotional', category: null, channel: 'email',
      startAt: '2026-04-01T07:00:00.000Z', endAt: '2026-04-08T07:00:00.000Z', budget: { amount: '0.00', currency: 'EUR' },
      targets: { audienceSize: 0, conversionRate: '0', roi: '0', leads: 0, conversions: 0 },
      content: { email: { subject: 'Spring is here', html: '<p>Hi</p>' } },
      sender: { fromName: 'Acme', fromEmail: 'news@acme.test' },
      variants: [{ key: 'A', split: 50 }, { key: 'B', split: 50, content: { email: { subject: 'Last chance', html: '<p>Hi</p>' } } }],
      audience: null,
    };
    const form = formFrom(stored, 'Europe/Paris');
    expect(form.variants).toEqual([{ key: 'A', split: '50', content: {} }, { key: 'B', split: '50', content: { subject: 'Last chance' } }]);
    expect(form.sender).toEqual({ fromName: 'Acme', fromEmail: 'news@acme.test', replyTo: '', smsFrom: '' });
    // The main HTML changes: B, which never set its own, follows it.
    form.content.email!.html = '<p>Hello</p>';
    const body = payloadOf(form, 'Europe/Paris');
    expect(body.variants).toEqual([{ key: 'A', split: 50 }, { key: 'B', split: 50, content: { email: { subject: 'Last chance', html: '<p>Hello</p>' } } }]);
    expect(body.sender).toEqual({ fromName: 'Acme', fromEmail: 'news@acme.test' });
  });

  it('sends a recurrence with only the fields of its frequency, reads a stored one back, and routes its errors to the schedule step', () => {
    const form = emptyForm('Europe/Berlin', 'EUR', new Date('2026-03-01T12:00:00Z'));
    expect(payloadOf(form, 'Europe/Berlin').recurrence).toBeNull();
    form.repeat = { on: true, frequency: 'weekly', at: '09:00', weekdays: ['mon', 'thu'], dayOfMonth: '3', timeZone: 'Europe/Berlin' };
    expect(payloadOf(form, 'Europe/Berlin').recurrence).toEqual({ frequency: 'weekly', at: '09:00', weekdays: ['mon', 'thu'], timeZone: 'Europe/Berlin' });
    form.repeat.frequency = 'monthly';
    form.repeat.dayOfMonth = '31';
    expect(payloadOf(form, 'Europe/Berlin').recurrence).toEqual({ frequency: 'monthly', at: '09:00', dayOfMonth: 31, timeZone: 'Europe/Berlin' });
    form.repeat.dayOfMonth = 'first';
    expect(payloadOf(form, 'Europe/Berlin').recurrence).toMatchObject({ dayOfMonth: 'first' }); // as typed, for the API to name
    form.channel = 'paid_ads';
    expect(payloadOf(form, 'Europe/Berlin').recurrence).toBeNull();

    const stored = {
      name: 'Weekly', code: 'CMP-2', description: null, type: 'newsletter', category: null, channel: 'email',
      startAt: '2026-04-01T07:00:00.000Z', endAt: '2026-06-01T07:00:00.000Z', budget: { amount: '0.00', currency: 'EUR' },
      targets: { audienceSize: 0, conversionRate: '0', roi: '0', leads: 0, conversions: 0 }, content: {}, audience: null,
      recurrence: { frequency: 'weekly' as const, at: '07:30', weekdays: ['fri'], timeZone: 'America/New_York' },
    };
    expect(formFrom(stored, 'Europe/Berlin').repeat).toEqual({ on: true, frequency: 'weekly', at: '07:30', weekdays: ['fri'], dayOfMonth: '1', timeZone: 'America/New_York' });
    expect(formFrom({ ...stored, recurrence: null }, 'Europe/Berlin').repeat.on).toBe(false);
    expect(['recurrence.weekdays', 'recurrence', 'recurrence.at'].map(stepOf)).toEqual(['schedule', 'schedule', 'schedule']);
    expect(['recurrence.weekdays', 'recurrence.dayOfMonth'].map(fieldLabel)).toEqual(['Days of the week', 'Day of the month']);
  });
});
