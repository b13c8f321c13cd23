/**
 * Scheduled reports against a fake API: what subscribing sends (the page's filters, the campaign),
 * how the next delivery reads (company time zone), that cancelling asks first and then removes it,
 * and the API's refusals shown where they belong. The dialog's whole round trip at the end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { session, type Profile } from '../../api/session.ts';
import { ApiError } from '../../api/client.ts';
import ReportSubscribeForm from './ReportSubscribeForm.vue';
import ReportSubscriptionList from './ReportSubscriptionList.vue';
import ReportSubscriptions from './ReportSubscriptions.vue';
import { deliveryText, filtersText, type NewReportSubscription, type ReportSubscription } from './reports.ts';

const CAMPAIGN = '10000000-0000-4000-8000-000000000001';
const TEAM = '20000000-0000-4000-8000-000000000002';
const text = (w: { text(): string }) => w.text().replace(/\s+/g, ' ');

function sub(o: Partial<ReportSubscription> = {}): ReportSubscription {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Weekly overview',
    kind: 'overview',
    frequency: 'weekly',
    campaignId: null,
    campaignName: null,
    filters: {},
    // Monday, 30 November 2026, 08:00 in Berlin (CET, UTC+1).
    nextDeliveryAt: '2026-11-30T07:00:00.000Z',
    lastSentAt: null,
    lastPeriod: null,
    createdAt: '2026-11-24T10:00:00.000Z',
    ...o,
  };
}

beforeEach(() => {
  vi.stubGlobal('navigator', { language: 'en-GB' });
  session.profile = { email: 'ana@acme.test', permissions: ['read', 'analytics:read', 'analytics:export'], company: { timeZone: 'Europe/Berlin', currency: 'EUR' } } as unknown as Profile;
});
afterEach(() => {
  session.profile = null;
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('how a subscription reads', () => {
  it('gives the next delivery in the company time zone, and says so when nothing is scheduled', () => {
    expect(deliveryText('2026-11-30T07:00:00.000Z', 'Europe/Berlin', 'en-GB')).toBe('Monday, 30 November 2026 at 08:00 CET');
    expect(deliveryText('2026-11-30T07:00:00.000Z', 'America/New_York', 'en-GB')).toBe('Monday, 30 November 2026 at 02:00 GMT-5');
    expect(deliveryText(null, 'Europe/Berlin', 'en-GB')).toBe('not scheduled');
  });
  it('names the filters a report keeps, teams by name', () => {
    expect(filtersText({ channel: ['sms', 'paid_ads'], region: ['East'], team: [TEAM] }, { [TEAM]: 'North sales' })).toBe('Channel: SMS, Paid ads · Region: East · Team: North sales');
    expect(filtersText({})).toBe('');
  });
});

describe('ReportSubscribeForm', () => {
  const form = (props: Partial<InstanceType<typeof ReportSubscribeForm>['$props']> & { submit: (i: NewReportSubscription) => Promise<ReportSubscription> }) =>
    mount(ReportSubscribeForm, { props: { kind: 'overview', ...props } });

  it("sends an overview with the page's channel, region and team filters, and says the campaign pick is not kept", async () => {
    const submit = vi.fn(async (i: NewReportSubscription) => sub({ name: i.name }));
    const w = form({ submit, filters: { channel: ['sms'], region: ['East'], team: [TEAM], campaign: [CAMPAIGN] }, teamNames: { [TEAM]: 'North sales' } });
    expect(text(w.get('[data-testid="report-filters"]'))).toBe('Filters kept: Channel: SMS · Region: East · Team: North sales.');
    expect(text(w)).toContain('The campaign filter is not kept');
    expect(text(w)).toContain('By e-mail to ana@acme.test');
    expect(text(w)).toContain('every Monday at 08:00, covering the seven days before (Europe/Berlin)');
    expect((w.get('[data-testid="report-name"] input').element as HTMLInputElement).value).toBe('Weekly overview');
    await w.get('[data-testid="report-monthly"] input').setValue(true);
    // The suggested name follows the frequency until the person types one.
    expect((w.get('[data-testid="report-name"] input').element as HTMLInputElement).value).toBe('Monthly overview');
    expect(text(w)).toContain('on the 1st of each month at 08:00, covering the month before');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(submit).toHaveBeenCalledWith({ name: 'Monthly overview', kind: 'overview', frequency: 'monthly', filters: { channel: ['sms'], region: ['East'], team: [TEAM] } });
    expect(w.emitted('subscribed')).toHaveLength(1);
  });

  it("sends a campaign report with its campaign, under the name the person typed", async () => {
    const submit = vi.fn(async (i: NewReportSubscription) => sub({ name: i.name, kind: 'campaign', campaignId: CAMPAIGN }));
    const w = form({ submit, kind: 'campaign', campaignId: CAMPAIGN, campaignName: 'January SMS Blast' });
    expect((w.get('[data-testid="report-name"] input').element as HTMLInputElement).value).toBe('January SMS Blast: weekly report');
    expect(text(w)).toContain("January SMS Blast's PDF report and its daily figures as CSV");
    expect(w.find('[data-testid="report-filters"]').exists()).toBe(false);
    await w.get('[data-testid="report-name"] input').setValue('Blast for the board');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(submit).toHaveBeenCalledWith({ name: 'Blast for the board', kind: 'campaign', frequency: 'weekly', campaignId: CAMPAIGN });
  });

  it("shows a refusal on the field it names, and any other in words", async () => {
    const w = form({ submit: async () => Promise.reject(new ApiError('bad', 422, [{ field: 'name', message: 'is too long' }])) });
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(text(w.get('[data-testid="report-name"]'))).toContain('is too long');
    const other = form({ submit: async () => Promise.reject(new ApiError('No answer from the server.')) });
    await other.get('form').trigger('submit');
    await flushPromises();
    expect(other.get('.v-alert').text()).toBe('No answer from the server.');
    expect(other.emitted('subscribed')).toBeUndefined();
  });
});

describe('ReportSubscriptionList', () => {
  it('lists each subscription with what it covers, its next delivery and its last one', () => {
    const w = mount(ReportSubscriptionList, {
      props: {
        cancel: async () => true,
        items: [
          sub({ filters: { channel: ['email'] } }),
          sub({ id: '00000000-0000-4000-8000-000000000002', name: 'Blast monthly', kind: 'campaign', frequency: 'monthly', campaignId: CAMPAIGN, campaignName: 'January SMS Blast', nextDeliveryAt: '2026-11-30T23:00:00.000Z', lastSentAt: '2026-11-01T07:00:04.000Z', lastPeriod: { from: '2026-10-01', to: '2026-10-31' } }),
        ],
      },
    });
    const [weekly, monthly] = w.findAll('[data-testid="report-subscription"]');
    expect(text(weekly!)).toContain('Weekly · Overview of every campaign · Channel: Email');
    const dd = (li: typeof weekly) => li!.findAll('dd').map((d) => d.text());
    expect(dd(weekly)).toEqual(['Monday, 30 November 2026 at 08:00 CET', 'not yet']);
    expect(text(monthly!)).toContain('Monthly · Campaign report: January SMS Blast');
    expect(dd(monthly)).toEqual(['Tuesday, 1 December 2026 at 00:00 CET', 'Sunday, 1 November 2026 at 08:00 CET (2026-10-01 – 2026-10-31)']);
  });

  it('asks before cancelling; "keep it" keeps it; "stop sending" cancels', async () => {
    const cancel = vi.fn(async () => true);
    const s = sub();
    const w = mount(ReportSubscriptionList, { props: { items: [s], cancel } });
    expect(w.get('[data-testid="report-cancel"]').attributes('aria-label')).toBe('Cancel Weekly overview');
    await w.get('[data-testid="report-cancel"]').trigger('click');
    expect(text(w)).toContain('Stop sending “Weekly overview”?');
    await w.findAll('button').find((b) => b.text() === 'Keep it')!.trigger('click');
    expect(w.find('[data-testid="report-cancel-confirm"]').exists()).toBe(false);
    expect(cancel).not.toHaveBeenCalled();
    await w.get('[data-testid="report-cancel"]').trigger('click');
    await w.get('[data-testid="report-cancel-confirm"]').trigger('click');
    await flushPromises();
    expect(cancel).toHaveBeenCalledWith(s.id);
    expect(w.emitted('cancelled')).toEqual([[s]]);
  });

  it('says when there are none', () => {
    expect(mount(ReportSubscriptionList, { props: { items: [], cancel: async () => true } }).get('[data-testid="report-none"]').text()).toBe('You have no report subscriptions.');
  });
});

describe('ReportSubscriptions (the dialog, against a fake API)', () => {
  let store: ReportSubscription[];
  let calls: string[];
  const json = (body: unknown, status = 200) => ({ ok: status < 400, status, json: async () => body });

  beforeEach(() => {
    store = [sub({ id: '00000000-0000-4000-8000-00000000000a', name: 'Older report', frequency: 'monthly', nextDeliveryAt: '2026-11-30T23:00:00.000Z' })];
    calls = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const url = String(input);
        const method = init.method ?? 'GET';
        calls.push(`${method} ${url}`);
        if (url === '/api/reports/subscriptions' && method === 'GET') return json({ items: store });
        if (url === '/api/reports/subscriptions' && method === 'POST') {
          const body = JSON.parse(String(init.body)) as NewReportSubscription;
          const created = sub({ id: '00000000-0000-4000-8000-00000000000b', name: body.name, frequency: body.frequency, filters: body.filters ?? {} });
          store = [created, ...store];
          return json(created, 201);
        }
        if (/^\/api\/reports\/subscriptions\/[0-9a-f-]{36}\/send-now$/.test(url) && method === 'POST') return json({ queued: true }, 202);
        const del = /^\/api\/reports\/subscriptions\/([0-9a-f-]{36})$/.exec(url);
        if (del && method === 'DELETE') {
          store = store.filter((s) => s.id !== del[1]);
          return { ok: true, status: 204, json: async () => Promise.reject(new SyntaxError('no body')) };
        }
        return json({ error: { code: 'not_found', message: 'no route' } }, 404);
      }),
    );
  });

  it('subscribes, lists the new one with its next delivery, and cancels it', async () => {
    const w = mount(ReportSubscriptions, { props: { kind: 'overview', filters: { channel: ['sms'], region: [], team: [] } }, attachTo: document.body });
    await w.get('[data-testid="reports-open"]').trigger('click');
    await flushPromises();
    const $ = (sel: string) => document.querySelector(sel) as HTMLElement;
    const items = () => [...document.querySelectorAll<HTMLElement>('[data-testid="report-subscription"]')].map((e) => e.dataset.name);
    expect(items()).toEqual(['Older report']);
    ($('[data-testid="report-subscribe-form"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(items()).toEqual(['Weekly overview', 'Older report']);
    expect($('[data-testid="reports-status"]').textContent).toBe('Subscribed to “Weekly overview”. The first report goes out Monday, 30 November 2026 at 08:00 CET.');
    expect($('[data-testid="report-subscription"] [data-testid="report-next"]').textContent).toBe('Monday, 30 November 2026 at 08:00 CET');
    $('[data-testid="report-subscription"] [data-testid="report-cancel"]').click();
    await flushPromises();
    $('[data-testid="report-cancel-confirm"]').click();
    await flushPromises();
    expect(items()).toEqual(['Older report']);
    expect($('[data-testid="reports-status"]').textContent).toBe('“Weekly overview” is cancelled: no more reports will be sent.');
    expect(calls).toEqual([
      'GET /api/reports/subscriptions',
      'POST /api/reports/subscriptions',
      'DELETE /api/reports/subscriptions/00000000-0000-4000-8000-00000000000b',
    ]);
    w.unmount();
  });

  it('sends the last complete period now, and says where it goes', async () => {
    const w = mount(ReportSubscriptions, { props: { kind: 'overview' }, attachTo: document.body });
    await w.get('[data-testid="reports-open"]').trigger('click');
    await flushPromises();
    const button = document.querySelector('[data-testid="report-send-now"]') as HTMLElement;
    expect(button.getAttribute('aria-label')).toBe('Send now: Older report');
    button.click();
    await flushPromises();
    expect(calls.at(-1)).toBe('POST /api/reports/subscriptions/00000000-0000-4000-8000-00000000000a/send-now');
    expect(document.querySelector('[data-testid="reports-status"]')!.textContent).toBe('“Older report”: the report for the last complete month is on its way to ana@acme.test (once per period).');
    w.unmount();
  });

  it('is not offered to a role that may not export', () => {
    session.profile = { permissions: ['read', 'analytics:read'], company: { timeZone: 'Europe/Berlin' } } as unknown as Profile;
    expect(mount(ReportSubscriptions, { props: { kind: 'overview' } }).find('[data-testid="reports-open"]').exists()).toBe(false);
  });
});
