/**
 * The exchange-rates section against a fake API at the fetch level: what it lists, what it sends
 * when a rate is added, where a refusal appears, and that a rate is deleted only once confirmed —
 * the list reloaded from the API after each change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { VSelect, VTextField } from 'vuetify/components';
import ExchangeRates from './ExchangeRates.vue';
import SettingsPage from '../../pages/SettingsPage.vue';
import { session, type Profile } from '../../api/session.ts';
import { fakeApi, type ApiCall } from '../../test-api.ts';

type Call = ApiCall;

const EUR_MAR = { id: '00000000-0000-4000-8000-0000000000e1', currency: 'EUR', rate: '1.1', effectiveFrom: '2026-03-01', updatedAt: '2026-03-01T10:00:00.000Z' };
const GBP_FEB = { id: '00000000-0000-4000-8000-0000000000e2', currency: 'GBP', rate: '1.27', effectiveFrom: '2026-02-01', updatedAt: '2026-02-01T10:00:00.000Z' };

let calls: Call[];
let stored: (typeof EUR_MAR)[];
let putAnswer: ((body: Record<string, unknown>) => { status: number; body: unknown }) | null;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  stored = [EUR_MAR, GBP_FEB];
  putAnswer = null;
  session.profile = {
    permissions: ['read', 'admin'],
    company: { timeZone: 'America/New_York', currency: 'USD', supportedCurrencies: ['USD', 'EUR', 'GBP'] },
  } as unknown as Profile;
  calls = fakeApi((call) => {
    const reply = (body: unknown, status = 200) => ({ status, body });
    if (call.path === '/api/exchange-rates' && call.method === 'GET') return reply({ currency: 'USD', items: stored });
    if (call.path === '/api/exchange-rates' && call.method === 'PUT') {
      const answer = putAnswer?.(call.body!);
      if (answer) return reply(answer.body, answer.status);
      const row = { id: '00000000-0000-4000-8000-0000000000e3', currency: String(call.body!.currency), rate: String(call.body!.rate), effectiveFrom: String(call.body!.effectiveFrom), updatedAt: '2026-03-20T10:00:00.000Z' };
      stored = [...stored, row];
      return reply(row);
    }
    const del = /^\/api\/exchange-rates\/(.+)$/.exec(call.path);
    if (del && call.method === 'DELETE') {
      const row = stored.find((r) => r.id === del[1]);
      if (!row) return reply({ error: { code: 'not_found', message: 'no such rate' } }, 404);
      stored = stored.filter((r) => r !== row);
      return reply(row);
    }
    return reply({ error: { code: 'not_found', message: `no fake for ${call.method} ${call.path}` } }, 404);
  });
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
  session.profile = null;
});

async function open(): Promise<VueWrapper> {
  wrapper = mount(ExchangeRates, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}
const rows = (w: VueWrapper) => w.findAll('tbody tr').map((r) => r.findAll('td').slice(0, 3).map((d) => d.text()));
const text = (w: VueWrapper, label: string) => w.findAllComponents(VTextField).find((f) => f.props('label') === label)!;
const messages = (w: VueWrapper, label: string) => text(w, label).find('.v-messages').text();
const button = (w: VueWrapper, name: string) => w.findAll('button').find((b) => b.text().trim() === name)!;

describe('exchange rates', () => {
  it('lists each rate with its currency and first day, and offers only the other supported currencies', async () => {
    const w = await open();
    expect(rows(w)).toEqual([
      ['EUR', '1.1', '2026-03-01'],
      ['GBP', '1.27', '2026-02-01'],
    ]);
    expect(w.findComponent(VSelect).props('items')).toEqual(['EUR', 'GBP']);
  });

  it('says what a rate is for when there is none', async () => {
    stored = [];
    const w = await open();
    expect(w.find('[data-testid="rates-empty"]').text().replace(/\s+/g, ' ')).toBe(
      'No exchange rate yet. Campaigns in EUR, GBP count in the dashboard at the rate of their day; without a rate their money is left out and listed as not converted.',
    );
    expect(w.find('table').exists()).toBe(false);
  });

  it('adds a rate with what was typed and shows it from the reloaded list', async () => {
    const w = await open();
    await w.findComponent(VSelect).setValue('GBP');
    await text(w, 'Rate').find('input').setValue(' 1.2650 ');
    await text(w, 'Effective from').find('input').setValue('2026-03-15');
    await w.find('form').trigger('submit');
    await flushPromises();
    const put = calls.filter((c) => c.method === 'PUT');
    expect(put.map(({ method, path, body }) => ({ method, path, body }))).toEqual([{ method: 'PUT', path: '/api/exchange-rates', body: { currency: 'GBP', rate: '1.2650', effectiveFrom: '2026-03-15' } }]);
    // Loaded once on opening, once after the save.
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(2);
    expect(rows(w)).toContainEqual(['GBP', '1.2650', '2026-03-15']);
    expect(w.text()).toContain('Saved: 1 GBP = 1.2650 USD from 2026-03-15.');
  });

  it('shows the API’s refusal under the rate field and keeps what was typed', async () => {
    putAnswer = () => ({
      status: 422,
      body: { error: { code: 'validation_failed', message: 'invalid', details: { issues: [{ field: 'rate', message: 'must be a positive decimal such as "1.0825" (up to 10 decimal places)' }] } } },
    });
    const w = await open();
    await text(w, 'Rate').find('input').setValue('0');
    await text(w, 'Effective from').find('input').setValue('2026-03-15');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(messages(w, 'Rate')).toBe('must be a positive decimal such as "1.0825" (up to 10 decimal places)');
    expect(text(w, 'Rate').classes()).toContain('v-input--error');
    expect(messages(w, 'Effective from')).toBe('');
    expect((text(w, 'Rate').find('input').element as HTMLInputElement).value).toBe('0');
    expect(rows(w)).toHaveLength(2);
  });

  it('deletes a rate only after the confirmation, then lists what the API has left', async () => {
    const w = await open();
    await w.get('[data-testid="rate-EUR-2026-03-01"] [data-testid="delete"]').trigger('click');
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
    expect(w.get('[data-testid="rate-EUR-2026-03-01"]').text()).toContain('Delete the EUR rate from 2026-03-01?');

    await button(w, 'Keep').trigger('click');
    expect(w.find('[data-testid="confirm-delete"]').exists()).toBe(false);
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

    await w.get('[data-testid="rate-EUR-2026-03-01"] [data-testid="delete"]').trigger('click');
    await w.get('[data-testid="confirm-delete"]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([`/api/exchange-rates/${EUR_MAR.id}`]);
    expect(rows(w)).toEqual([['GBP', '1.27', '2026-02-01']]);
    expect(w.text()).toContain('Deleted the EUR rate from 2026-03-01.');
  });

  it('is on the settings page only for an admin of a company with another supported currency', async () => {
    const page = async () => {
      const w = mount(SettingsPage);
      await flushPromises();
      const shown = w.find('[data-testid="exchange-rates"]').exists();
      w.unmount();
      return shown;
    };
    expect(await page()).toBe(true);
    session.profile = { permissions: ['read', 'admin'], company: { currency: 'USD', supportedCurrencies: ['USD'] } } as unknown as Profile;
    expect(await page()).toBe(false);
    session.profile = { permissions: ['read'], company: { currency: 'USD', supportedCurrencies: ['USD', 'EUR'] } } as unknown as Profile;
    expect(await page()).toBe(false);
  });
});
