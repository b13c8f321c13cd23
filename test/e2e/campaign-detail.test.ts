/// <reference lib="dom" />
/**
 * The campaign detail page's content and workflow tabs in a real browser (Debian's Chromium via
 * playwright-core) against the real API, PostgreSQL, Temporal and a worker:
 * - the mail relay refuses the worker's first login with `454 4.7.0 Temporary authentication
 *   failure`; the sending activity fails, Temporal retries it, the campaign completes, and ops —
 *   from the Ops page — open the campaign's workflow tab and read the retried attempt with the
 *   relay's message, then its completion;
 * - a manager previews the content (e-mail HTML in a sandboxed iframe, per A/B variant) and sends a
 *   test to themselves: it arrives at the local SMTP sink addressed to them, personalised for them.
 * axe-core finds no serious or critical violation on either tab; screenshots at desktop and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHerald, testConfig } from '../setup/harness.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe as axe, screenshots as shots, skipNote, skipWithoutChromium, until, useBrowser } from '../fixtures/browser.ts';
import { startAuthSmtpSink, type AuthSmtpSink } from '../fixtures/smtp-auth-sink.ts';
import { startSmtpSink, type SmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { createChannels } from '../../channels/index.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import type { Role } from '../../domain/permissions.ts';

const skip = skipWithoutChromium('campaign detail');
const CONTACTS = 12;

describe.skipIf(skip)(`campaign detail tabs in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser();
  let worker: TestWorker;
  let relay: AuthSmtpSink;
  let testSink: SmtpSink;
  const channelSets: ReturnType<typeof createChannels>[] = [];
  let co: ApiCompany;
  let manager: ReturnType<typeof as>;

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('detail') });
    // The worker sends through a relay that wants a login and refuses the first one for now.
    relay = await startAuthSmtpSink({ user: 'herald', pass: 'relay-secret', failAuth: 1 });
    const workerChannels = createChannels(testConfig({ SMTP_URL: `smtp://herald:relay-secret@127.0.0.1:${relay.port}` }));
    // One message at a time: one connection, so the one refused login is the batch's first send.
    worker = await startTestWorker(herald.deps.orm, workerChannels, { sendConcurrency: 1 });
    herald.deps.config = { ...herald.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
    // The API's test sends go to a plain local sink.
    testSink = await startSmtpSink({ port: await freePort() });
    const apiChannels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${testSink.port}` }));
    herald.deps.channels = apiChannels;
    channelSets.push(workerChannels, apiChannels);
    await web.start(herald.baseUrl);

    co = await createApiCompany(herald.deps.orm, 'e2e-detail');
    await addContacts(herald.deps.orm, co.id, 'e2e-detail', 1, CONTACTS);
    const app = createApp(herald.deps);
    manager = as(app, (await signIn(app, co.users.manager.email)).token);
  });

  afterAll(async () => {
    await worker?.close();
    for (const c of channelSets) await c.closeAll();
    await relay?.close();
    await testSink?.close();
    await herald?.close();
  });

  const openAs = (role: Role, path: string) => web.openAs(co.users[role].email, path);

  async function createCampaign(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await manager.post('/api/campaigns', {
      name,
      type: 'promotional',
      channel: 'email',
      startAt: new Date(Date.now() + 86_400_000).toISOString(),
      endAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      budget: '500.00', // under the approval threshold: submitted, it is scheduled at once
      content: { email: { subject: 'Hello {{ contact.first_name }}', html: '<p>Hi {{ contact.first_name }}, spring is here.</p>' } },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('ops open the workflow tab from the Ops page and read a retried activity: the relay’s refusal, then the attempt that succeeded', async () => {
    const id = await createCampaign('Relay hiccup');
    expect((await manager.post(`/api/campaigns/${id}/submit`)).status).toBe(200);
    expect((await manager.post(`/api/campaigns/${id}/send-now`)).status).toBe(200);
    await until(async () => (await manager.get(`/api/campaigns/${id}`)).body.status === 'completed', 'the campaign completes');
    // The relay refused exactly one login, and every contact got exactly one message afterwards.
    expect(relay.authFailures()).toBe(1);
    const recipients = relay.messages().flatMap((m) => m.to).sort();
    expect(recipients).toEqual(Array.from({ length: CONTACTS }, (_, i) => `c${i + 1}@e2e-detail.example`).sort());

    const page = await openAs('ops', '/ops');
    await page.getByRole('combobox', { name: 'Workflow' }).click({ force: true });
    await page.getByRole('option', { name: 'Running or closed' }).click();
    const row = page.locator(`[data-workflow="campaign-${id}"]`);
    await row.waitFor();
    await row.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { level: 1, name: 'Relay hiccup' }).waitFor();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('workflow');
    expect(await page.getByRole('tab', { name: 'Workflow' }).getAttribute('aria-selected')).toBe('true');

    const history = page.getByRole('list', { name: 'Workflow events' });
    const retried = history.getByRole('listitem').filter({ hasText: /sendBatch started \(attempt 2\)/ });
    await retried.waitFor();
    // Worded as what it is — the relay unavailable for a moment — not as a settings problem.
    expect(await retried.innerText()).toMatch(/the previous attempt failed: .*SMTP relay could not log Herald in just now \(454, temporary\); the batch will be retried: 454 4\.7\.0 Temporary authentication failure/);
    const lines = await history.getByRole('listitem').allInnerTexts();
    const retriedAt = lines.findIndex((l) => /sendBatch started \(attempt 2\)/.test(l));
    const completedAt = lines.findIndex((l, i) => i > retriedAt && /sendBatch completed/.test(l));
    expect(completedAt).toBeGreaterThan(retriedAt);
    expect(lines.some((l) => /workflow completed/.test(l))).toBe(true);
    // Counted above the list, and shown alone on request: in a long history that is what ops look for.
    expect(await page.getByTestId('history-summary').innerText()).toMatch(/· 1 retried attempt · 0 failures$/);
    await page.getByRole('checkbox', { name: 'Only retries and failures' }).check();
    await expect.poll(() => history.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(/^\d.* Retry: sendBatch started \(attempt 2\); the previous attempt failed: .*454 4\.7\.0 Temporary authentication failure$/)]);
    await axe(page, 'campaign workflow tab');
    await shots(page, 'campaign-workflow');

    // Opened without a tab in the URL, the page shows ops the workflow first: that is what they read.
    await page.goto(`${herald.baseUrl}/campaigns/${id}`);
    await page.getByRole('list', { name: 'Workflow events' }).getByText('sendBatch completed').first().waitFor();
    expect(await page.getByRole('tab', { name: 'Workflow' }).getAttribute('aria-selected')).toBe('true');

    // The overview tab says the same in counts: everything sent, nothing failed.
    await page.getByRole('tab', { name: 'Overview' }).click();
    await expect.poll(() => page.locator('[data-count="sent"]').innerText()).toBe(String(CONTACTS));
    expect(await page.locator('[data-count="failed"]').innerText()).toBe('0');
    // Under the threshold, nobody approved it: the trail says why it is empty.
    expect(await page.getByTestId('approval-none').innerText()).toBe('No approval was needed: its budget is within the company’s approval threshold.');

    // The Recipients tab lists each one with its status, the tab kept in the URL.
    await page.getByRole('tab', { name: 'Recipients' }).click();
    const table = page.getByTestId('recipients');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(CONTACTS);
    expect(new URL(page.url()).searchParams.get('tab')).toBe('recipients');
    expect(new Set(await table.locator('tbody tr td:nth-child(5)').allInnerTexts())).toEqual(new Set(['Sent']));
    await axe(page, 'campaign recipients tab');

    // The audience tab: everyone, counted now and as snapshotted when sending started.
    await page.getByRole('tab', { name: 'Audience' }).click();
    await page.getByTestId('audience-now').getByText(`${CONTACTS} contacts`).waitFor();
    expect(await page.getByTestId('audience-snapshot').innerText()).toBe(`${CONTACTS} contacts (the audience this campaign sends to)`);
    expect(await page.getByRole('list', { name: 'Sample of matching contacts' }).getByRole('listitem').count()).toBe(5);
    await axe(page, 'campaign audience tab');
  });

  it('a manager previews the content per variant in a sandboxed frame and sends a test to themselves: it arrives at the SMTP sink addressed to them', async () => {
    const id = await createCampaign('Spring teaser', {
      variants: [
        { key: 'A', split: 50 },
        { key: 'B', split: 50, content: { email: { subject: 'Last chance, {{ contact.first_name }}', html: '<p>Only today, {{ contact.first_name }}.</p>' } } },
      ],
    });
    const page = await openAs('manager', `/campaigns/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Spring teaser' }).waitFor();
    // The manager does not read workflows: no workflow tab for them.
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['OVERVIEW', 'CONTENT', 'AUDIENCE', 'RECIPIENTS', 'AUDIT']);
    await page.getByRole('tab', { name: 'Content' }).click();
    await page.waitForURL(/tab=content/);

    const email = page.getByRole('region', { name: 'E-mail preview' });
    await expect.poll(() => email.locator('[data-field="subject"]').innerText()).toBe('Hello Alex');
    const frame = email.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.frameLocator('iframe[title^="E-mail as"]').getByText('Hi Alex, spring is here.').waitFor();

    await page.getByRole('combobox', { name: 'Variant' }).click({ force: true });
    await page.getByRole('option', { name: 'Variant B' }).click();
    await expect.poll(() => email.locator('[data-field="subject"]').innerText()).toBe('Last chance, Alex');
    await page.frameLocator('iframe[title^="E-mail as"]').getByText('Only today, Alex.').waitFor();
    await axe(page, 'campaign content tab');
    await shots(page, 'campaign-content');

    expect(testSink.messages()).toHaveLength(0);
    await page.getByRole('button', { name: 'Send a test to me' }).click();
    const result = page.getByTestId('test-send-result');
    await result.waitFor();
    expect(await result.innerText()).toContain(`Test message sent to ${co.users.manager.email}`);
    await until(async () => testSink.messages().length === 1, 'the test message reaches the sink', 10_000);
    const [mail] = testSink.messages();
    expect(mail!.to).toEqual([co.users.manager.email]);
    // Variant B, personalised with the manager's own first name ("Manager of e2e-detail").
    expect(mail!.raw).toMatch(/^Subject: \[TEST\] Last chance, Manager$/m);
    expect(mail!.raw).toContain('Only today, Manager.');
    expect(mail!.raw).toMatch(new RegExp(`^To: ${co.users.manager.email.replace(/\./g, '\\.')}`, 'm'));

    // The audit tab says who did what, an edit as before → after.
    const version = (await manager.get(`/api/campaigns/${id}`)).body.version as number;
    expect((await manager.patch(`/api/campaigns/${id}`, { description: 'For the spring list' }, { 'if-match': `"${version}"` })).status).toBe(200);
    await page.getByRole('tab', { name: 'Audit' }).click();
    const trail = page.getByRole('list', { name: 'Audit entries' });
    const edited = trail.locator('[data-action="campaign.updated"]');
    await edited.waitFor();
    expect(await edited.innerText()).toMatch(/^Edited by Manager of e2e-detail, [\s\S]*description\s+none → For the spring list/);
    expect(await trail.locator('[data-action="campaign.test_sent"]').innerText()).toContain(`Test sent by Manager of e2e-detail`);
    expect(await trail.locator('[data-action="campaign.test_sent"]').innerText()).toContain(co.users.manager.email);
    expect(await trail.locator('[data-action="campaign.created"]').innerText()).toMatch(/^Created by Manager of e2e-detail/);
    await axe(page, 'campaign audit tab');
    await shots(page, 'campaign-audit');

    // A viewer reads the preview but has no test send.
    const viewer = await openAs('viewer', `/campaigns/${id}?tab=content`);
    await viewer.getByRole('region', { name: 'E-mail preview' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Send a test to me' }).count()).toBe(0);
    expect(await viewer.getByRole('tab', { name: 'Workflow' }).count()).toBe(0);
  });
});
