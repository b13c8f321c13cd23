/**
 * The settings form against a fake API: what it sends, and where the API's refusals appear — each
 * message under the field it names (nested paths included), the rest listed with the field named.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import SettingsForm from './SettingsForm.vue';
import { session, type Profile } from '../../api/session.ts';

const SETTINGS = {
  id: '00000000-0000-4000-8000-0000000000c0',
  name: 'Acme',
  slug: 'acme',
  currency: 'USD',
  supportedCurrencies: ['USD'],
  timeZone: 'Europe/Berlin',
  approvalThreshold: '1000.00',
  approvalAlwaysRequired: false,
  channelCosts: { email: '0.001', sms: '0.0075', push: '0', whatsapp: '0.01', webhook: '0' },
  quietHours: { start: '21:00', end: '08:00' },
  frequencyCap: null,
  blockChannelOverlap: false,
  requireTotpForApproval: false,
  schedulingWindowDays: 365,
  fiscalYearStartMonth: 1,
};

const json = (body: unknown, status = 200) => ({ ok: status < 400, status, json: async () => body });

/** The input whose label is `label`, and the messages Vuetify shows under it. */
function field(w: VueWrapper, label: string) {
  const input = w.findAll('.v-input').find((i) => i.find('label').exists() && i.find('label').text() === label);
  if (!input) throw new Error(`no field labelled ${label}`);
  return { messages: input.find('.v-messages').text(), invalid: input.classes().includes('v-input--error'), input: input.find('input') };
}

describe('SettingsForm', () => {
  let patched: unknown[];
  let answer: { body: unknown; status: number };

  beforeEach(() => {
    patched = [];
    session.profile = { permissions: ['read', 'admin'] } as unknown as Profile;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        if (String(input) !== '/api/settings') return json({ error: { code: 'not_found', message: 'no route' } }, 404);
        if ((init.method ?? 'GET') === 'GET') return json(SETTINGS);
        patched.push(JSON.parse(String(init.body)));
        return json(answer.body, answer.status);
      }),
    );
  });
  afterEach(() => {
    session.profile = null;
    vi.unstubAllGlobals();
  });

  it('puts each refused field’s message under that field, and names a field it does not show', async () => {
    answer = {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'several',
          details: {
            issues: [
              { field: 'timeZone', message: 'is not an IANA time zone such as Europe/Berlin' },
              { field: 'channelCosts.sms', message: 'a decimal string such as "0.0075"' },
              { field: 'quietHours.start', message: 'HH:MM' },
              { field: 'supportedCurrencies', message: 'must include the company currency USD' },
            ],
          },
        },
      },
    };
    const w = mount(SettingsForm);
    await flushPromises();
    await field(w, 'SMS').input.setValue('seven cents');
    await w.find('form').trigger('submit');
    await flushPromises();

    expect(patched).toHaveLength(1);
    expect(patched[0]).toMatchObject({ timeZone: 'Europe/Berlin', channelCosts: { sms: 'seven cents', email: '0.001' }, quietHours: { start: '21:00', end: '08:00' }, frequencyCap: null });

    expect(field(w, 'Time zone').messages).toContain('is not an IANA time zone such as Europe/Berlin');
    expect(field(w, 'Time zone').invalid).toBe(true);
    expect(field(w, 'SMS').messages).toContain('a decimal string such as "0.0075"');
    expect(field(w, 'Email').messages).not.toContain('decimal');
    expect(field(w, 'Quiet hours start').messages).toContain('HH:MM');
    expect(field(w, 'Quiet hours end').invalid).toBe(false);
    const summary = w.get('[data-testid="settings-errors"]').text();
    expect(summary).toContain('Nothing was saved: 4 fields need a change.');
    expect(summary).toContain('supportedCurrencies: must include the company currency USD');
  });

  it('clears the errors and says so when the next save is accepted', async () => {
    answer = { status: 422, body: { error: { code: 'validation_failed', message: 'x', details: { issues: [{ field: 'approvalThreshold', message: 'a decimal string such as "10000.00"' }] } } } };
    const w = mount(SettingsForm);
    await flushPromises();
    await field(w, 'Approval threshold (USD)').input.setValue('lots');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(field(w, 'Approval threshold (USD)').messages).toContain('a decimal string such as "10000.00"');

    answer = { status: 200, body: { ...SETTINGS, approvalThreshold: '2500.00' } };
    await field(w, 'Approval threshold (USD)').input.setValue('2500');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(patched.at(-1)).toMatchObject({ approvalThreshold: '2500' });
    expect(field(w, 'Approval threshold (USD)').invalid).toBe(false);
    expect(w.find('[data-testid="settings-errors"]').exists()).toBe(false);
    expect(w.text()).toContain('Saved.');
    expect((field(w, 'Approval threshold (USD)').input.element as HTMLInputElement).value).toBe('2500.00');
  });
});
