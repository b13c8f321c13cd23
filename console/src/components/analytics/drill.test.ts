/**
 * The drill-down's last step against a fake API: a campaign's recipients and its conversions, one
 * by one; the filter and the page come from the URL and go back to it, and what the API is asked
 * for follows them (the period in the company's time zone).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { defineComponent, h } from 'vue';
import { session, type Profile } from '../../api/session.ts';
import CampaignRecipients from './CampaignRecipients.vue';
import ConversionList from './ConversionList.vue';
import { startOfDayIn } from './drill.ts';

const CAMPAIGN = '10000000-0000-4000-8000-000000000001';
const json = (body: unknown, status = 200) => ({ ok: status < 400, status, json: async () => body });
const text = (w: { text(): string }) => w.text().replace(/\s+/g, ' ');
let asked: URL[];
let router: Router;
const mounted: { unmount(): void }[] = [];

function recipient(seq: number, status: string, o: Record<string, unknown> = {}) {
  return { id: seq, seq, contactId: '20000000-0000-4000-8000-000000000001', contactName: `Person ${seq}`, channel: 'email', address: `p***@example.com`, variant: 'A', status, reason: null, error: null, providerMessageId: null, attempts: 1, sentAt: '2026-11-20T09:00:00.000Z', deliveredAt: status === 'delivered' ? '2026-11-20T09:00:05.000Z' : null, ...o };
}
function conversion(n: number, type: string, o: Record<string, unknown> = {}) {
  return { id: `30000000-0000-4000-8000-00000000000${n}`, externalId: `crm-${n}`, type, value: '1500.0000', currency: 'EUR', productCategory: null, occurredAt: '2026-11-20T23:30:00.000Z', source: 'salesforce', attributed: true, campaignId: CAMPAIGN, channel: 'email', variant: null, recipientId: null, contactId: null, region: 'East', leadSource: null, leadStage: null, qualityScore: null, ...o };
}

async function mountAt(path: string, component: unknown, props: Record<string, unknown>) {
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/analytics/campaigns/:id', component: defineComponent({ render: () => h('div') }) }] });
  await router.push(path);
  const w = mount(component as never, { props: props as never, global: { plugins: [router] } });
  mounted.push(w);
  await flushPromises();
  return w;
}

beforeEach(() => {
  asked = [];
  vi.stubGlobal('navigator', { language: 'en-GB' });
  session.profile = { permissions: ['read', 'analytics:read'], company: { timeZone: 'Europe/Berlin', currency: 'EUR' } } as unknown as Profile;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://console.test');
      asked.push(url);
      if (url.pathname === `/api/campaigns/${CAMPAIGN}/recipients`) {
        const status = url.searchParams.get('status');
        const all = [recipient(1, 'delivered'), recipient(2, 'failed', { reason: 'provider_rejected', error: '550 mailbox unavailable' }), recipient(3, 'delivered')];
        const items = status ? all.filter((r) => r.status === status) : all;
        return json({ items, page: Number(url.searchParams.get('page')), pageSize: 25, total: status ? items.length : 60, counts: { delivered: 58, failed: 2 } });
      }
      if (url.pathname === '/api/conversions') {
        const items = [conversion(1, 'sale'), conversion(2, 'lead', { value: '0.0000', leadStage: 'qualified', qualityScore: 80, leadSource: 'form' })];
        return json({ items, page: 1, pageSize: 25, total: 2 });
      }
      return json({ error: { code: 'not_found', message: 'no route' } }, 404);
    }),
  );
});
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount();
  session.profile = null;
  vi.unstubAllGlobals();
});

describe('CampaignRecipients', () => {
  it('lists recipients in send order with what happened to each, and counts by status', async () => {
    const w = await mountAt(`/analytics/campaigns/${CAMPAIGN}?tab=recipients`, CampaignRecipients, { campaignId: CAMPAIGN });
    expect(asked.at(-1)!.searchParams.get('page')).toBe('1');
    expect(asked.at(-1)!.searchParams.has('status')).toBe(false);
    expect(text(w.get('[data-testid="recipient-summary"]'))).toBe('60 recipients: 58 delivered, 2 failed.');
    const rows = w.findAll('[data-testid="recipients"] tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows[1]).toEqual(['2', 'Person 2p***@example.com', 'Email', 'A', 'Failed', 'provider_rejected: 550 mailbox unavailable', '20/11/2026, 10:00', '—']);
    // 60 recipients, 25 a page: three pages; the next page goes to the URL.
    expect(w.findAll('.v-pagination__item')).toHaveLength(3);
  });

  it('reads its status filter and page from the URL and writes them back', async () => {
    const w = await mountAt(`/analytics/campaigns/${CAMPAIGN}?tab=recipients&status=failed&preset=7d`, CampaignRecipients, { campaignId: CAMPAIGN });
    expect(asked.at(-1)!.searchParams.get('status')).toBe('failed');
    expect(text(w.get('[data-testid="recipient-summary"]'))).toBe('1 failed of 60 recipients.');
    expect(w.findAll('[data-testid="recipients"] tbody tr')).toHaveLength(1);
    // A status the API does not know is ignored, not sent.
    await router.replace(`/analytics/campaigns/${CAMPAIGN}?tab=recipients&status=lost&page=2`);
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('page')).toBe('2'));
    await flushPromises();
    expect(asked.at(-1)!.searchParams.has('status')).toBe(false);
    expect(asked.at(-1)!.searchParams.get('page')).toBe('2');
    await w.getComponent({ name: 'VPagination' }).vm.$emit('update:modelValue', 3);
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ tab: 'recipients', status: 'lost', page: '3' }));
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('page')).toBe('3'));
    await w.getComponent({ name: 'VSelect' }).vm.$emit('update:modelValue', 'delivered');
    // A new filter starts at page 1 and keeps the rest of the URL.
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ tab: 'recipients', status: 'delivered' }));
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('status')).toBe('delivered'));
    expect(asked.at(-1)!.searchParams.get('page')).toBe('1');
  });
});

describe('ConversionList', () => {
  it('lists each conversion with its value in its own currency and a lead’s progress, in the period on screen', async () => {
    const w = await mountAt(`/analytics/campaigns/${CAMPAIGN}?tab=conversions&from=2026-11-01&to=2026-11-30`, ConversionList, { campaignId: CAMPAIGN, period: { from: '2026-11-01', to: '2026-11-30' } });
    const q = asked.at(-1)!.searchParams;
    expect(q.get('campaignId')).toBe(CAMPAIGN);
    // Midnight in Berlin (UTC+1) on the first day, up to midnight after the last.
    expect([q.get('from'), q.get('to')]).toEqual(['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z']);
    expect(text(w.get('[data-testid="conversion-count"]'))).toBe('2 conversions, newest first.');
    const rows = w.findAll('[data-testid="conversion-list"] tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows[0]).toEqual(['21/11/2026, 00:30', 'Sale', '€1,500.00', 'Email', 'East', '—', 'salesforce', 'crm-1']);
    expect(rows[1]!.slice(1, 3)).toEqual(['Lead', '€0.00']);
    expect(rows[1]![5]).toBe('qualified · score 80 · form');
  });

  it('takes its type from the URL, and asks for all time when the page has no period', async () => {
    await mountAt(`/analytics/campaigns/${CAMPAIGN}?tab=conversions&type=lead`, ConversionList, { campaignId: CAMPAIGN, period: null });
    const q = asked.at(-1)!.searchParams;
    expect(q.get('type')).toBe('lead');
    expect(q.has('from') || q.has('to')).toBe(false);
  });
});

describe('startOfDayIn', () => {
  it('finds midnight in the zone, summer time included', () => {
    expect(startOfDayIn('2026-07-01', 'Europe/Berlin')).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfDayIn('2026-03-29', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDayIn('2026-11-01', 'America/New_York')).toBe('2026-11-01T04:00:00.000Z');
    expect(startOfDayIn('2026-11-01', undefined)).toBe('2026-11-01T00:00:00.000Z');
  });
});
