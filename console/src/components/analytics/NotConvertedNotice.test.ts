/**
 * The dashboard's notice of money left out for want of an exchange rate: the words a reader sees,
 * and the way to the rates for an admin only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mount, RouterLinkStub } from '@vue/test-utils';
import NotConvertedNotice from './NotConvertedNotice.vue';
import { session, type Profile } from '../../api/session.ts';
import type { NotConverted } from './notConverted.ts';

const eur = (o: Partial<NotConverted> = {}): NotConverted => ({ currency: 'EUR', revenue: '50.00', cost: '0.00', unattributedRevenue: '0.00', budget: '0.00', from: '2026-02-20', to: '2026-02-28', ...o });
const show = (items: NotConverted[] | undefined) => mount(NotConvertedNotice, { props: { items }, global: { stubs: { RouterLink: RouterLinkStub } } });
const words = (w: ReturnType<typeof show>) => w.findAll('p').map((p) => p.text().replace(/\s+/g, ' ').replace(/ ([:.])/g, '$1'));

afterEach(() => {
  session.profile = null;
});

describe('not converted notice', () => {
  it('says which money is not counted, in its own currency, and over which days', () => {
    session.profile = { permissions: ['read'] } as unknown as Profile;
    expect(words(show([eur()]))).toEqual(['Not counted: 50.00 EUR of revenue (20 Feb – 28 Feb) has no exchange rate.']);
    expect(words(show([eur({ cost: '20.00', budget: '5000.00', from: '2026-02-20', to: '2026-02-20' }), eur({ currency: 'GBP', revenue: '0.00', unattributedRevenue: '30.00', from: '2026-03-05', to: '2026-03-07' })]))).toEqual([
      'Not counted: 50.00 EUR of revenue, 20.00 EUR of spend and 5000.00 EUR of budget (20 Feb) have no exchange rate.',
      'Not counted: 30.00 GBP of unattributed revenue (5 Mar – 7 Mar) has no exchange rate.',
    ]);
  });

  it('shows nothing when everything converted, and no link for someone who cannot set a rate', () => {
    session.profile = { permissions: ['read'] } as unknown as Profile;
    expect(show([]).find('[data-testid="not-converted"]').exists()).toBe(false);
    expect(show(undefined).find('[data-testid="not-converted"]').exists()).toBe(false);
    expect(show([eur({ revenue: '0.00' })]).find('[data-testid="not-converted"]').exists()).toBe(false);
    expect(show([eur()]).findComponent(RouterLinkStub).exists()).toBe(false);
  });

  it('links an admin to the company’s exchange rates', () => {
    session.profile = { permissions: ['read', 'admin'] } as unknown as Profile;
    const w = show([eur()]);
    expect(words(w)).toEqual(['Not counted: 50.00 EUR of revenue (20 Feb – 28 Feb) has no exchange rate: set a EUR rate.']);
    expect(w.findComponent(RouterLinkStub).props('to')).toEqual({ name: 'settings', hash: '#exchange-rates' });
  });
});
