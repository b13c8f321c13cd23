/**
 * End to end: a campaign sent by the real sendBatch through the local SMTP sink; the token is read
 * out of the e-mail as it arrived; a CRM posts the deal with it through an API key; the conversion
 * lands on that campaign, channel, A/B variant, message, contact and region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { createActivities } from '../activities/index.ts';
import { generateApiKey } from '../api/attribution/machine-auth.ts';
import { createChannels } from '../channels/index.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { createLogger } from '../config/logger.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { createCampaignFixture } from './fixtures/campaigns.ts';
import { createTestDeps, testConfig, type TestDeps } from './setup/harness.ts';

const HTML = '<html><body><p>Hi {{ contact.first_name }}</p><a href="https://shop.example/rings">Rings</a></body></html>';

let t: TestDeps;
let app: Hono;
let smtp: SmtpSink;
let channels: ReturnType<typeof createChannels>;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  smtp = await startSmtpSink({ port: await freePort() });
  channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
});
afterAll(async () => {
  await channels?.closeAll();
  await smtp?.close();
  await t?.close();
});

describe('a conversion carrying the token of a message that was really sent', () => {
  it('is attributed to the campaign, channel, variant, recipient, contact and region of that message', async () => {
    const f = await createCampaignFixture(t.db.orm, { slug: 'attr-e2e', contacts: 6, content: { email: { subject: 'Rings week', html: HTML } } });
    await q(`update campaigns set variants = '[{"key": "A", "split": 50}, {"key": "B", "split": 50}]' where id = ?`, [f.campaignId]);
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    const acts = createActivities({ orm: t.db.orm, config, log: createLogger(config, 'test'), channels });
    const ref = { campaignId: f.campaignId, companyId: f.companyId };
    await acts.snapshotAudience(ref);
    expect(await new MockActivityEnvironment().run(acts.sendBatch, { ...ref, fromSeq: 1, toSeq: 6 })).toMatchObject({ sent: 6, failed: 0 });

    const key = generateApiKey();
    await q(`insert into api_keys (company_id, name, prefix, secret_hash, scopes) values (?, 'CRM', ?, ?, '{conversions:write}')`, [f.companyId, key.prefix, key.secretHash]);
    const post = async (body: object) => {
      const res = await app.request('/api/conversions', { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    for (const email of ['c2@attr-e2e.example', 'c5@attr-e2e.example']) {
      const mail = smtp.messages().find((m) => m.to.includes(email));
      const raw = (mail?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const token = raw.match(/\/t\/c\/([A-Za-z0-9_.-]+)/)![1]!;
      const [message] = await q<{ id: string; contact_id: string; variant: string; region: string }>(
        `select r.id, r.contact_id, r.variant, k.region from campaign_recipients r join contacts k on k.id = r.contact_id where r.campaign_id = ? and k.email = ?`,
        [f.campaignId, email],
      );
      const res = await post({ externalId: `deal-${email}`, type: 'sale', value: '3200.00', productCategory: 'Rings', token });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        attributed: true,
        campaignId: f.campaignId,
        channel: 'email',
        variant: message!.variant,
        recipientId: Number(message!.id),
        contactId: message!.contact_id,
        region: message!.region,
      });
    }
    const variants = await q<{ variant: string }>(`select variant from conversions where campaign_id = ? order by variant`, [f.campaignId]);
    expect(variants).toHaveLength(2);
    expect(variants.every((v) => v.variant === 'A' || v.variant === 'B')).toBe(true);
  });
});
