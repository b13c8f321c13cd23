/**
 * The wizard against a fake API at the fetch level: what it sends (create, then PATCH with If-Match),
 * and what the user sees when the API refuses — each 422 issue on its field and its step, a 412 as
 * "someone else changed it", a 409 in words.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';
import { defineComponent, h } from 'vue';
import { VSelect, VTextarea, VTextField } from 'vuetify/components';
import { catalogue } from '../components/segments/catalogue.fixture.ts';
import { session, type Profile } from '../api/session.ts';
import { fakeApi, type ApiCall } from '../test-api.ts';
import CampaignWizardPage from './CampaignWizardPage.vue';

const TZ = 'Europe/Paris';
const ID = '0b7d4c2e-5d1a-4c55-9a43-2f0f4a3f9d10';

type Call = ApiCall;
type Handler = (call: Call) => { status: number; body?: unknown } | undefined;

let calls: Call[] = [];
let handler: Handler = () => undefined;
let wrapper: VueWrapper | null = null;

function stored(overrides: Record<string, unknown> = {}) {
  return {
    id: ID,
    code: 'CMP-2026-0007',
    name: 'Winter sale',
    description: null,
    type: 'promotional',
    category: null,
    channel: 'email',
    status: 'draft',
    approvalStatus: 'pending',
    startAt: '2026-12-01T08:00:00.000Z',
    endAt: '2026-12-08T08:00:00.000Z',
    budget: { amount: '0.00', currency: 'EUR' },
    targets: { audienceSize: 0, conversionRate: '0', roi: '0', leads: 0, conversions: 0 },
    content: {},
    sender: {},
    variants: [],
    audience: { segmentId: null, segmentName: null, rules: null },
    version: 3,
    state: null,
    approvals: [],
    ...overrides,
  };
}

/** Answers the calls every step makes; the test's handler goes first. */
function answer(call: Call): { status: number; body?: unknown } {
  const mine = handler(call);
  if (mine) return mine;
  if (call.path === '/api/segments/fields') return { status: 200, body: catalogue };
  if (call.path.startsWith('/api/segments?')) return { status: 200, body: { items: [], page: 1, pageSize: 200, total: 0 } };
  if (call.path === '/api/segments/preview') return { status: 200, body: { count: 42, summary: 'Every contact', sample: [], masked: false, countedAt: new Date().toISOString() } };
  if (call.method === 'GET' && call.path.startsWith(`/api/campaigns/${ID}`)) return { status: 200, body: stored() };
  if (call.method === 'PATCH') return { status: 200, body: stored({ ...call.body, version: 4 }) };
  return { status: 404, body: { error: { code: 'not_found', message: `no fake for ${call.method} ${call.path}` } } };
}

beforeEach(() => {
  handler = () => undefined;
  session.token = null;
  session.profile = {
    id: 'u1',
    email: 'manager@acme.test',
    name: 'Manager',
    role: 'manager',
    permissions: ['create', 'read', 'update', 'delete', 'launch', 'control'],
    company: { timeZone: TZ, currency: 'EUR', supportedCurrencies: ['EUR', 'USD'], approvalThreshold: '10000.00', approvalAlwaysRequired: false },
  } as unknown as Profile;
  calls = fakeApi(answer);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
  session.profile = null;
});

async function open(path: string): Promise<{ w: VueWrapper; router: Router }> {
  const Stub = defineComponent({ render: () => h('div', 'campaign page') });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/campaigns/new', name: 'campaign-new', component: CampaignWizardPage },
      { path: '/campaigns/:id/edit', name: 'campaign-edit', component: CampaignWizardPage },
      { path: '/campaigns/:id', name: 'campaign', component: Stub },
      { path: '/analytics/campaigns/:id', name: 'analytics-campaign', component: Stub },
    ],
  });
  await router.push(path);
  await router.isReady();
  const App = defineComponent({ render: () => h(RouterView) });
  wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { w: wrapper, router };
}

const field = (w: VueWrapper, label: string) =>
  w.findAllComponents(VTextField).find((f) => f.props('label') === label) ?? w.findAllComponents(VTextarea).find((f) => f.props('label') === label)!;
const stepButton = (w: VueWrapper, title: string) => w.find('nav[aria-label="Wizard steps"]').findAll('button').find((b) => b.text().includes(title))!;
const click = async (w: VueWrapper, text: string) => {
  await w.findAll('button').find((b) => b.text().trim() === text)!.trigger('click');
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};

describe('campaign wizard', () => {
  it('creates the draft from the first step with what the user typed, times in the company zone, then resumes on the next step', async () => {
    handler = (c) => (c.method === 'POST' && c.path === '/api/campaigns' ? { status: 201, body: stored({ name: 'Winter sale', version: 1 }) } : undefined);
    const { w, router } = await open('/campaigns/new');
    expect(w.find('h1').text()).toBe('New campaign');
    await field(w, 'Campaign name').find('input').setValue('Winter sale');
    await click(w, 'Create draft and continue');

    const post = calls.find((c) => c.method === 'POST' && c.path === '/api/campaigns')!;
    expect(post.body).toMatchObject({ name: 'Winter sale', type: 'promotional', channel: 'email', currency: 'EUR', content: {}, audience: { segmentId: null, rules: null } });
    // Tomorrow 09:00 in Paris, as an instant: 08:00Z in winter, 07:00Z in summer.
    expect(post.body!.startAt).toMatch(/T0[78]:00:00\.000Z$/);
    expect(Date.parse(post.body!.endAt as string) - Date.parse(post.body!.startAt as string)).toBeGreaterThanOrEqual(7 * 86_400_000 - 3600_000);
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${ID}/edit?step=audience`));
    await flushPromises();
    expect(w.find('h2').text()).toContain('Step 2 of 6: Audience');
    // The audience step counts everyone (no rules yet) once the debounce has passed.
    await vi.waitFor(() => expect(w.find('[data-testid="audience-count"]').text()).toBe('42 contacts'));
    expect(calls.find((c) => c.path === '/api/segments/preview')!.body).toEqual({ rules: null, sampleSize: 5 });
  });

  it('shows each 422 issue on its field and marks its step; the valid rest is still saved', async () => {
    // A draft left for a while: its start has passed. The fake refuses what the API refuses.
    const old = stored({ startAt: '2020-01-06T08:00:00.000Z', endAt: '2020-01-13T08:00:00.000Z' });
    handler = (c) => {
      if (c.method === 'GET' && c.path.startsWith(`/api/campaigns/${ID}`)) return { status: 200, body: old };
      if (c.method !== 'PATCH') return undefined;
      const issues = [];
      if (typeof c.body!.name === 'string' && c.body!.name.length > 200) issues.push({ field: 'name', message: 'must be at most 200 characters' });
      if (typeof c.body!.startAt === 'string' && Date.parse(c.body!.startAt) < Date.now()) issues.push({ field: 'startAt', message: 'must not be in the past' });
      if (issues.length) return { status: 422, body: { error: { code: 'validation_failed', message: '…', details: { issues } } } };
      return { status: 200, body: stored({ ...old, ...c.body, version: 4 }) };
    };
    const { w } = await open(`/campaigns/${ID}/edit?step=details`);
    await field(w, 'Campaign name').find('input').setValue('x'.repeat(201));
    await field(w, 'Description (optional)').find('textarea').setValue('For the January list');
    await click(w, 'Next');

    expect(field(w, 'Campaign name').text()).toContain('must be at most 200 characters');
    expect(stepButton(w, 'Details').text()).toContain('(has errors)');
    expect(stepButton(w, 'Schedule').text()).toContain('(has errors)');
    expect(stepButton(w, 'Audience').text()).not.toContain('(has errors)');
    expect(w.find('h2').text()).toContain('Step 1 of 6: Details'); // it stays on the step with the error
    const [first, second] = calls.filter((c) => c.method === 'PATCH');
    expect(first!.headers['if-match']).toBe('"3"');
    // The second attempt leaves out what was refused and saves the rest, the description included.
    expect(second!.body).not.toHaveProperty('name');
    expect(second!.body).not.toHaveProperty('startAt');
    expect(second!.body).toMatchObject({ description: 'For the January list', channel: 'email' });
    expect(second!.headers['if-match']).toBe('"3"');
    expect(w.find('[data-testid="save-status"]').text()).toBe('Saved, except the marked fields');

    // The schedule step shows its issue on the start field.
    await stepButton(w, 'Schedule').trigger('click');
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.find('h2').text()).toContain('Schedule');
    expect(field(w, 'Starts (Europe/Paris)').text()).toContain('must not be in the past');
  });

  it('says in words that someone else changed the campaign (412) and stops saving until a reload', async () => {
    handler = (c) => (c.method === 'PATCH' ? { status: 412, body: { error: { code: 'stale_version', message: 'the campaign changed since you loaded it (version 3, now 4)' } } } : undefined);
    const { w } = await open(`/campaigns/${ID}/edit?step=details`);
    await field(w, 'Campaign name').find('input').setValue('Winter sale 2');
    await click(w, 'Next');
    expect(w.find('[role="alert"]').text()).toContain('Someone else changed this campaign since you opened it');
    expect(w.find('[data-testid="save-status"]').text()).toBe('Not saved');
    await field(w, 'Campaign name').find('input').setValue('Winter sale 3');
    await click(w, 'Next');
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('shows a 409 in words, and a campaign that is sending as not editable', async () => {
    handler = (c) =>
      c.method === 'PATCH' ? { status: 409, body: { error: { code: 'campaign_not_editable', message: 'a sending campaign can no longer be edited; only campaigns that have not started sending can' } } } : undefined;
    const { w } = await open(`/campaigns/${ID}/edit?step=details`);
    await field(w, 'Campaign name').find('input').setValue('Renamed');
    await click(w, 'Next');
    expect(w.text()).toContain('This campaign cannot be changed now: a sending campaign can no longer be edited');
    w.unmount();

    handler = (c) => (c.method === 'GET' && c.path.startsWith(`/api/campaigns/${ID}`) ? { status: 200, body: stored({ status: 'sending' }) } : undefined);
    const again = await open(`/campaigns/${ID}/edit`);
    expect(again.w.text()).toContain('This campaign is sending: it can no longer be edited.');
    expect(field(again.w, 'Campaign name').find('input').attributes()).toHaveProperty('disabled');
  });

  it('submits from the review step and opens the campaign; a refusal at submit lands on its step', async () => {
    handler = (c) =>
      c.method === 'POST' && c.path.endsWith('/submit')
        ? { status: 422, body: { error: { code: 'validation_failed', message: 'audience: matches no contacts', details: { issues: [{ field: 'audience', message: 'matches no contacts; a campaign needs at least one recipient' }] } } } }
        : undefined;
    const { w, router } = await open(`/campaigns/${ID}/edit?step=review`);
    // Budget 0, under the company's 10 000 threshold: a plain submit that says no approver is asked.
    expect(w.findAll('button').some((b) => b.text().trim() === 'Submit for approval')).toBe(false);
    expect(w.text()).toContain('Its budget needs no approval: it is scheduled at once and sends at its start.');
    // Where every campaign needs an approver, the button asks for approval and says who is told.
    session.profile!.company.approvalAlwaysRequired = true;
    await flushPromises();
    expect(w.text()).toContain('Approvers are told at once. Until they decide, you can still change it here.');
    await click(w, 'Submit for approval');
    expect(w.text()).toContain('Audience: matches no contacts');
    expect(stepButton(w, 'Audience').text()).toContain('(has errors)');
    expect(router.currentRoute.value.name).toBe('campaign-edit');

    handler = (c) => (c.method === 'POST' && c.path.endsWith('/submit') ? { status: 200, body: stored({ status: 'pending_approval' }) } : undefined);
    await click(w, 'Submit for approval');
    expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${ID}`);
  });

  it('inserts a personalisation field at the cursor and previews the saved content in a sandboxed frame', async () => {
    handler = (c) =>
      c.method === 'POST' && c.path.endsWith('/preview')
        ? { status: 200, body: { contact: { id: null, name: 'Alex Sample', sample: true }, variant: null, channels: { email: { fields: { subject: 'Hello Alex, winter is here', html: '<p>Hi <b>Alex</b></p><script>parent.alert(1)</script>' }, errors: [] } } } }
        : undefined;
    const { w } = await open(`/campaigns/${ID}/edit?step=content`);
    const subject = field(w, 'Subject').find('input');
    await subject.setValue('Hello , winter is here');
    const input = subject.element as HTMLInputElement;
    input.setSelectionRange(6, 6); // after "Hello "
    await subject.trigger('keyup');
    await click(w, 'Insert personalisation field');
    const item = [...document.body.querySelectorAll('.v-list-item')].find((el) => el.textContent?.includes('First name')) as HTMLElement;
    item.click();
    await flushPromises();
    expect(input.value).toBe('Hello {{ contact.first_name }}, winter is here');
    expect(document.activeElement).toBe(input);
    expect(input.selectionStart).toBe('Hello {{ contact.first_name }}'.length);

    await click(w, 'Preview');
    await vi.waitFor(() => expect(w.find('iframe').exists()).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.body!.content).toEqual({ email: { subject: 'Hello {{ contact.first_name }}, winter is here' } });
    const frame = w.find('iframe');
    expect(frame.attributes('sandbox')).toBe('');
    expect(frame.attributes('srcdoc')).toContain('<b>Alex</b>');
    expect(w.find('[data-testid="preview-subject"]').text()).toBe('Hello Alex, winter is here');
  });

  it('autosaves a moment after a change, but not a rule that is only half built', async () => {
    const { w } = await open(`/campaigns/${ID}/edit?step=audience`);
    await vi.waitFor(() => expect(w.find('[data-testid="audience-count"]').exists()).toBe(true));
    await w.findAll('button').find((b) => b.text().includes('Add condition'))!.trigger('click');
    await flushPromises();
    expect(w.text()).toContain('Finish the conditions to count the audience.');
    // Longer than the autosave delay: the half-filled condition is neither saved nor counted.
    await new Promise((r) => setTimeout(r, 1500));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([]);
    expect(calls.filter((c) => c.path === '/api/segments/preview')).toHaveLength(1);

    // Completed (a yes/no field needs only the field), the rules are saved and counted by themselves.
    await w.findAllComponents(VSelect).find((s) => s.props('label') === 'Field')!.setValue('bounced');
    const rules = { all: [{ field: 'bounced', op: '=', value: true }] };
    await vi.waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body!.audience)).toEqual([{ segmentId: null, rules }]), { timeout: 3000 });
    expect(calls.filter((c) => c.method === 'PATCH')[0]!.headers['if-match']).toBe('"3"');
    expect(calls.filter((c) => c.path === '/api/segments/preview').at(-1)!.body).toEqual({ rules, sampleSize: 5 });
  }, 10_000);

  it('targets a saved segment: counts it by id and saves it as the audience', async () => {
    const SEGMENT = '5a0c1f44-3b2e-4d8f-9a61-0c2b7e9d1f20';
    handler = (c) => {
      if (c.path.startsWith('/api/segments?')) return { status: 200, body: { items: [{ id: SEGMENT, name: 'Gold dealers', summary: 'tier is "gold"' }], page: 1, pageSize: 200, total: 1 } };
      if (c.path === '/api/segments/preview' && c.body?.segmentId) return { status: 200, body: { count: 7, summary: 'tier is "gold"', sample: [], masked: false, countedAt: new Date().toISOString() } };
      return undefined;
    };
    const { w } = await open(`/campaigns/${ID}/edit?step=audience`);
    await vi.waitFor(() => expect(w.find('[data-testid="audience-count"]').text()).toBe('42 contacts'));
    await w.find('input[type="radio"][value="segment"]').setValue(true);
    await flushPromises();
    const picker = w.findAllComponents({ name: 'VAutocomplete' }).find((a) => a.props('label') === 'Saved segment')!;
    expect((picker.props('items') as { title: string }[]).map((i) => i.title)).toEqual(['Gold dealers — tier is "gold"']);
    await picker.setValue(SEGMENT);
    await vi.waitFor(() => expect(w.find('[data-testid="audience-count"]').text()).toBe('7 contacts'));
    expect(calls.filter((c) => c.path === '/api/segments/preview').at(-1)!.body).toEqual({ segmentId: SEGMENT, sampleSize: 5 });
    await vi.waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body?.audience).toEqual({ segmentId: SEGMENT, rules: null }), { timeout: 3000 });
  }, 10_000);

  it('retries a create whose answer was lost with the same Idempotency-Key, so no second draft appears', async () => {
    let attempts = 0;
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
      if ((init.method ?? 'GET').toUpperCase() === 'POST' && String(input).endsWith('/api/campaigns') && ++attempts === 1) {
        calls.push({ method: 'POST', path: '/api/campaigns', headers: Object.fromEntries(new Headers(init.headers).entries()), body: JSON.parse(String(init.body)) as Record<string, unknown> });
        throw new TypeError('Failed to fetch');
      }
      return realFetch(input, init);
    });
    handler = (c) => (c.method === 'POST' && c.path === '/api/campaigns' ? { status: 201, body: stored({ version: 1 }) } : undefined);
    const { w, router } = await open('/campaigns/new');
    await field(w, 'Campaign name').find('input').setValue('Winter sale');
    await click(w, 'Create draft and continue');
    expect(w.text()).toContain('No answer from the server: your changes are not saved yet.');
    expect(router.currentRoute.value.name).toBe('campaign-new');

    await click(w, 'Create draft and continue');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaign-edit'));
    const keys = calls.filter((c) => c.method === 'POST' && c.path === '/api/campaigns').map((c) => c.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^wizard-[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('sends the sender of the campaign’s channel and A/B variants with their split; a split the API refuses is shown on the content step', async () => {
    handler = (c) => {
      if (c.method !== 'PATCH') return undefined;
      const variants = (c.body!.variants ?? []) as { split: number }[];
      const total = variants.reduce((sum, v) => sum + v.split, 0);
      if (variants.length && total !== 100) return { status: 422, body: { error: { code: 'validation_failed', message: '…', details: { issues: [{ field: 'variants', message: `the variants' splits must add up to 100 (they add up to ${total})` }] } } } };
      return { status: 200, body: stored({ ...c.body, version: 4 }) };
    };
    const { w } = await open(`/campaigns/${ID}/edit?step=content`);
    // E-mail asks for a from name, address and reply-to; no SMS sender.
    expect(field(w, 'Sender number or name')).toBeUndefined();
    await field(w, 'From name').find('input').setValue('Acme Offers');
    await field(w, 'From address').find('input').setValue('offers@acme.test');
    await field(w, 'Subject').find('input').setValue('Winter is here');
    await field(w, 'HTML body').find('textarea').setValue('<p>Hi</p>');
    await click(w, 'Add an A/B test');
    expect(w.find('[data-testid="variants-total"]').text()).toBe('Shares add up to 100%.');
    await field(w, 'Share of variant A (%)').find('input').setValue('70');
    await field(w, 'Subject, variant B').find('input').setValue('Last chance: winter is here');
    expect(w.find('[data-testid="variants-total"]').text()).toBe('Shares add up to 120% — they must add up to 100%.');
    await click(w, 'Next');

    // The API's refusal is on the content step, in its words; the valid rest is saved without the variants.
    expect(w.text()).toContain("A/B variants: the variants' splits must add up to 100 (they add up to 120)");
    expect(stepButton(w, 'Content').text()).toContain('(has errors)');
    expect(w.find('h2').text()).toContain('Step 3 of 6: Content');
    const [refused, rest] = calls.filter((c) => c.method === 'PATCH');
    // B sets only its subject; the API wants a variant's e-mail whole, so the rest is the main content's.
    expect(refused!.body!.variants).toEqual([
      { key: 'A', split: 70 },
      { key: 'B', split: 50, content: { email: { subject: 'Last chance: winter is here', html: '<p>Hi</p>' } } },
    ]);
    expect(rest!.body).not.toHaveProperty('variants');
    expect(rest!.body!.sender).toEqual({ fromName: 'Acme Offers', fromEmail: 'offers@acme.test' });

    await field(w, 'Share of variant B (%)').find('input').setValue('30');
    expect(w.find('[data-testid="variants-total"]').text()).toBe('Shares add up to 100%.');
    await click(w, 'Next');
    expect(w.find('h2').text()).toContain('Step 4 of 6: Schedule');
    const last = calls.filter((c) => c.method === 'PATCH').at(-1)!;
    expect(last.body).toMatchObject({
      content: { email: { subject: 'Winter is here', html: '<p>Hi</p>' } },
      sender: { fromName: 'Acme Offers', fromEmail: 'offers@acme.test' },
      variants: [
        { key: 'A', split: 70 },
        { key: 'B', split: 30, content: { email: { subject: 'Last chance: winter is here', html: '<p>Hi</p>' } } },
      ],
    });
  });

  it('keeps a stored SMS sender and variants through an edit of something else', async () => {
    const variants = [
      { key: 'short', split: 40, content: { sms: { body: 'Sale ends today' } } },
      { key: 'long', split: 60 },
    ];
    handler = (c) =>
      c.method === 'GET' && c.path.startsWith(`/api/campaigns/${ID}`)
        ? { status: 200, body: stored({ channel: 'sms', content: { sms: { body: 'Winter sale: 20% off' } }, sender: { smsFrom: 'ACME' }, variants }) }
        : undefined;
    const { w } = await open(`/campaigns/${ID}/edit?step=content`);
    expect((field(w, 'Sender number or name').find('input').element as HTMLInputElement).value).toBe('ACME');
    expect(field(w, 'From address')).toBeUndefined();
    expect((field(w, 'Message, variant short').find('textarea').element as HTMLTextAreaElement).value).toBe('Sale ends today');
    expect((field(w, 'Share of variant long (%)').find('input').element as HTMLInputElement).value).toBe('60');
    await stepButton(w, 'Details').trigger('click');
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    await field(w, 'Campaign name').find('input').setValue('Winter sale (SMS)');
    await click(w, 'Next');
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.body).toMatchObject({ name: 'Winter sale (SMS)', sender: { smsFrom: 'ACME' }, variants });
  });

  it('creates a tracked-only campaign: no audience or content to fill in; the review says what tracking means and submits it like any campaign', async () => {
    session.profile!.permissions = [...session.profile!.permissions, 'revenue:write'];
    const paid = stored({ name: 'Spring search ads', channel: 'paid_ads', version: 1 });
    handler = (c) => {
      if (c.method === 'POST' && c.path === '/api/campaigns') return { status: 201, body: paid };
      if (c.method === 'GET' && c.path.startsWith(`/api/campaigns/${ID}`)) return { status: 200, body: paid };
      if (c.method === 'POST' && c.path.endsWith('/submit')) return { status: 200, body: { ...paid, status: 'scheduled' } };
      return undefined;
    };
    const { w, router } = await open('/campaigns/new');
    const channel = w.findAllComponents(VSelect).find((s) => s.props('label') === 'Channel')!;
    expect((channel.props('items') as { title: string; value: string }[]).filter((i) => i.title.endsWith('(tracked, not sent)')).map((i) => i.value)).toEqual(['paid_ads', 'social', 'organic', 'direct_mail']);
    await field(w, 'Campaign name').find('input').setValue('Spring search ads');
    await channel.setValue('paid_ads');
    await flushPromises();
    expect(channel.text()).toContain('Herald sends nothing on this channel');
    await click(w, 'Create draft and continue');

    const post = calls.find((c) => c.method === 'POST' && c.path === '/api/campaigns')!;
    expect(post.body).toMatchObject({ name: 'Spring search ads', channel: 'paid_ads', content: {}, sender: {}, variants: [] });
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${ID}/edit?step=audience`));
    await flushPromises();
    expect(w.find('[data-testid="tracked-only"]').text()).toContain('A paid ads campaign is tracked, not sent');
    // No rule builder: the contact fields are never asked for.
    expect(calls.some((c) => c.path === '/api/segments/fields')).toBe(false);
    await stepButton(w, 'Content').trigger('click');
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.find('[data-testid="tracked-only"]').exists()).toBe(true);
    expect(field(w, 'Subject')).toBeUndefined();

    await stepButton(w, 'Schedule').trigger('click');
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    // Its end date ends the tracking; there is no message to stop sending.
    expect(w.text()).toContain('Tracking ends at this time');
    expect(w.text()).not.toContain('No message is sent after this time');

    await stepButton(w, 'Review and submit').trigger('click');
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    // Budget 0, under the company's 10 000 threshold: a plain submit, scheduled at once.
    expect(w.text()).not.toContain('Submit for approval');
    expect(w.find('[data-testid="tracked-submit"]').text()).toMatch(/^Herald sends nothing on paid ads; it tracks the figures you record from .+ to .+ \(Europe\/Paris\)\.$/);
    expect(w.text()).toContain('Its budget needs no approval');
    // Where every campaign needs an approver, the same button asks for approval.
    session.profile!.company.approvalAlwaysRequired = true;
    await flushPromises();
    expect(w.findAll('button').some((b) => b.text().trim() === 'Submit for approval')).toBe(true);
    expect(w.text()).toContain('Approvers are told at once');
    session.profile!.company.approvalAlwaysRequired = false;
    await flushPromises();
    expect(calls.some((c) => c.path.endsWith('/submit'))).toBe(false);
    await click(w, 'Submit');
    expect(calls.filter((c) => c.method === 'POST' && c.path === `/api/campaigns/${ID}/submit`)).toHaveLength(1);
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${ID}`));
  });

  it('submits a recurring campaign with its cadence; a start that slipped into the past while filling in is sent as now', async () => {
    const past = new Date(Date.now() - 20 * 60_000).toISOString();
    const recurrence = { frequency: 'weekly', at: '09:00', weekdays: ['mon'], timeZone: TZ };
    handler = (c) => {
      if (c.method === 'GET' && c.path.startsWith(`/api/campaigns/${ID}`)) return { status: 200, body: stored({ startAt: past, recurrence }) };
      if (c.method === 'POST' && c.path.endsWith('/submit')) return { status: 200, body: stored({ status: 'sending', recurrence }) };
      return undefined;
    };
    const { w, router } = await open(`/campaigns/${ID}/edit?step=review`);
    expect(w.find('.review').text()).toContain(`Every week on Monday at 09:00 (${TZ}), from`);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await click(w, 'Submit');
    const patch = calls.findIndex((c) => c.method === 'PATCH');
    const submit = calls.findIndex((c) => c.path.endsWith('/submit'));
    expect(patch).toBeGreaterThanOrEqual(0);
    expect(patch).toBeLessThan(submit);
    expect(Date.parse(calls[patch]!.body!.startAt as string)).toBeGreaterThanOrEqual(minute);
    expect(calls[patch]!.body!.recurrence).toEqual(recurrence);
    expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${ID}`);
  });
});
