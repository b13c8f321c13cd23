/**
 * An unsubscribe, complaint or suppression that lands after a campaign's audience was frozen still
 * stops that campaign's later sends: sendBatch re-checks each contact when it claims its rows (e-mail)
 * or picks them (SMS and the other channels whose provider dedupes on our key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { testConfig } from './setup/harness.ts';
import { createCampaignFixture } from './fixtures/campaigns.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { startHttpSink, type HttpSink } from '../channels/sinks/http-sink.ts';
import { createChannels } from '../channels/index.ts';
import { createActivities } from '../activities/index.ts';
import { createLogger } from '../config/logger.ts';
import { freePort } from '../scripts/lib/ports.ts';

let db: TestDatabase;
let smtp: SmtpSink;
let http: HttpSink;
let channels: ReturnType<typeof createChannels>;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpSink({ port: await freePort() });
  http = await startHttpSink({ port: await freePort() });
  channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PROVIDER_HTTP_URL: `http://127.0.0.1:${http.port}` }));
});
afterAll(async () => {
  await channels?.closeAll();
  await smtp?.close();
  await http?.close();
  await db?.drop();
});

describe('suppression after the snapshot', () => {
  it('skips contacts who withdrew consent, complained or were suppressed after the audience was frozen', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'late-unsub', contacts: 10 });
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PROVIDER_HTTP_URL: `http://127.0.0.1:${http.port}` });
    const acts = createActivities({ orm: db.orm, config, log: createLogger(config, 'test'), channels });
    const ref = { campaignId: f.campaignId, companyId: f.companyId };
    const snap = await acts.snapshotAudience(ref);
    expect(snap).toMatchObject({ audience: 10, maxSeq: 10, excluded: 0 });

    const knex = db.orm.em.getKnex();
    // After the snapshot: c2 unsubscribes by the link (consent withdrawn), c3 complains, c4's address is suppressed.
    await knex.raw(`update contacts set consent = jsonb_set(consent, '{email,granted}', 'false') where company_id = ? and email = 'c2@late-unsub.example'`, [f.companyId]);
    await knex.raw(`update contacts set complained_at = now() where company_id = ? and email = 'c3@late-unsub.example'`, [f.companyId]);
    await knex.raw(`insert into suppressions (company_id, channel, address, reason, source) values (?, 'email', 'c4@late-unsub.example', 'manual', 'test')`, [f.companyId]);

    const result = await new MockActivityEnvironment().run(acts.sendBatch, { ...ref, fromSeq: 1, toSeq: 10 });
    expect(result).toMatchObject({ sent: 7, failed: 0, skipped: 3, pending: 0 });
    const to = smtp.messages().flatMap((m) => m.to);
    expect(to).toHaveLength(7);
    expect(to.filter((a) => ['c2@late-unsub.example', 'c3@late-unsub.example', 'c4@late-unsub.example'].includes(a))).toEqual([]);
    const rows = await knex.raw(`select k.email, r.status, r.reason from campaign_recipients r join contacts k on k.id = r.contact_id where r.campaign_id = ? and r.status <> 'sent' order by k.email`, [f.campaignId]);
    expect(rows.rows).toEqual([
      { email: 'c2@late-unsub.example', status: 'suppressed', reason: 'no_consent' },
      { email: 'c3@late-unsub.example', status: 'suppressed', reason: 'complained' },
      { email: 'c4@late-unsub.example', status: 'suppressed', reason: 'suppressed' },
    ]);
  });

  it('does the same for SMS, whose batches pick their rows without marking them first', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'late-stop', contacts: 10, channel: 'sms' });
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PROVIDER_HTTP_URL: `http://127.0.0.1:${http.port}` });
    const acts = createActivities({ orm: db.orm, config, log: createLogger(config, 'test'), channels });
    const ref = { campaignId: f.campaignId, companyId: f.companyId };
    expect(await acts.snapshotAudience(ref)).toMatchObject({ audience: 10, maxSeq: 10, excluded: 0 });

    const knex = db.orm.em.getKnex();
    // After the snapshot: c2 texts STOP (SMS consent withdrawn), c3 unsubscribes everywhere, c4's number is suppressed.
    await knex.raw(`update contacts set consent = jsonb_set(consent, '{sms,granted}', 'false') where company_id = ? and email = 'c2@late-stop.example'`, [f.companyId]);
    await knex.raw(`update contacts set unsubscribed_at = now() where company_id = ? and email = 'c3@late-stop.example'`, [f.companyId]);
    await knex.raw(`insert into suppressions (company_id, channel, address, reason, source) select ?, 'sms', phone, 'manual', 'test' from contacts where company_id = ? and email = 'c4@late-stop.example'`, [f.companyId, f.companyId]);

    const before = http.messages().length;
    const result = await new MockActivityEnvironment().run(acts.sendBatch, { ...ref, fromSeq: 1, toSeq: 10 });
    expect(result).toMatchObject({ sent: 7, failed: 0, skipped: 3, pending: 0 });
    const phones = await knex.raw(`select email, phone from contacts where company_id = ? and email in ('c2@late-stop.example', 'c3@late-stop.example', 'c4@late-stop.example')`, [f.companyId]);
    const to = http.messages().slice(before).map((m) => m.to);
    expect(to).toHaveLength(7);
    expect(to.filter((n) => phones.rows.some((r: { phone: string }) => r.phone === n))).toEqual([]);
    const rows = await knex.raw(`select k.email, r.status, r.reason, r.attempts from campaign_recipients r join contacts k on k.id = r.contact_id where r.campaign_id = ? and r.status <> 'sent' order by k.email`, [f.campaignId]);
    expect(rows.rows).toEqual([
      { email: 'c2@late-stop.example', status: 'suppressed', reason: 'no_consent', attempts: 0 },
      { email: 'c3@late-stop.example', status: 'suppressed', reason: 'unsubscribed', attempts: 0 },
      { email: 'c4@late-stop.example', status: 'suppressed', reason: 'suppressed', attempts: 0 },
    ]);
  });
});
