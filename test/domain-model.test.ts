/** The constraints that protect Herald's data, proven on PostgreSQL itself. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { buildWorld, type World } from './fixtures/world.ts';
import { AuditLogSchema, CampaignRecipientSchema, CampaignSchema, ConversionSchema, MessageEventSchema } from '../db/entities/index.ts';
import { forkForCompany } from '../db/tenant.ts';
import { recordEvents, type NewEvent } from '../db/repositories/events.ts';

let db: TestDatabase;
let w: World;

beforeAll(async () => {
  db = await createTestDatabase();
  w = await buildWorld(db.orm.em, 'model');
});
afterAll(async () => {
  await db?.drop();
});

const em = () => forkForCompany(db.orm.em, w.companyId);

describe('schema constraints', () => {
  it('refuses to record a second recipient row for the same contact and channel', async () => {
    const e = em();
    e.create(CampaignRecipientSchema, { company: w.companyId, campaign: w.campaignId, contact: w.contactId, channel: 'email', seq: 2 });
    await expect(e.flush()).rejects.toThrow(/campaign_recipients_campaign_contact_channel_unique/);
    // The same contact on another channel is a different message.
    const e2 = em();
    e2.create(CampaignRecipientSchema, { company: w.companyId, campaign: w.campaignId, contact: w.contactId, channel: 'sms', seq: 2 });
    await e2.flush();
    expect(await em().count(CampaignRecipientSchema, { campaign: w.campaignId })).toBe(2);
  });

  it('refuses two recipient rows at the same position of the send order', async () => {
    const e = em();
    e.create(CampaignRecipientSchema, { company: w.companyId, campaign: w.campaignId, contact: w.contactId, channel: 'push', seq: 1 });
    await expect(e.flush()).rejects.toThrow(/campaign_recipients_campaign_seq_unique/);
  });

  it('stores a webhook event delivered three times once', async () => {
    const event: NewEvent = {
      company: w.companyId,
      campaign: w.campaignId,
      channel: 'email',
      type: 'delivered',
      idempotencyKey: 'provider-evt-42',
      source: 'webhook',
      occurredAt: new Date('2030-01-10T09:01:00Z'),
    };
    const inserted = [];
    for (let i = 0; i < 3; i++) inserted.push(await recordEvents(em(), [event]));
    expect(inserted).toEqual([1, 0, 0]);
    expect(await em().count(MessageEventSchema, { idempotencyKey: 'provider-evt-42' })).toBe(1);
    // In one batch too: duplicates inside it and against the table are both skipped.
    expect(await recordEvents(em(), [event, { ...event, idempotencyKey: 'provider-evt-43' }, { ...event, idempotencyKey: 'provider-evt-43' }])).toBe(1);
  });

  it('keeps campaign codes unique among live campaigns only', async () => {
    const base = { company: w.companyId, name: 'Dup', type: 'promotional' as const, primaryChannel: 'email' as const, startAt: new Date('2030-02-01'), endAt: new Date('2030-02-10'), currency: 'USD', createdBy: w.userId };
    const e = em();
    e.create(CampaignSchema, { ...base, code: 'CMP-1' });
    await expect(e.flush()).rejects.toThrow(/campaigns_company_code_live_unique/);

    const e2 = em();
    const original = await e2.findOneOrFail(CampaignSchema, { code: 'CMP-1' });
    original.deletedAt = new Date();
    await e2.flush();
    const e3 = em();
    e3.create(CampaignSchema, { ...base, code: 'CMP-1' });
    await e3.flush(); // the soft-deleted campaign keeps its history and frees its code
    expect(await em().count(CampaignSchema, { code: 'CMP-1' })).toBe(2);
  });

  it('keeps money exact to the last digit', async () => {
    const e = em();
    const conv = e.create(ConversionSchema, { company: w.companyId, type: 'sale', value: '12345678901234.5678', currency: 'USD', externalId: 'big-deal', source: 'crm', occurredAt: new Date() });
    await e.flush();
    const back = await em().findOneOrFail(ConversionSchema, { id: conv.id });
    expect(back.value).toBe('12345678901234.5678');
  });

  it('never lets the audit log be rewritten or erased', async () => {
    const conn = db.orm.em.getConnection();
    await expect(conn.execute(`update audit_log set action = 'forged' where company_id = ?`, [w.companyId])).rejects.toThrow(/append-only \(UPDATE rejected\)/);
    await expect(conn.execute(`delete from audit_log where company_id = ?`, [w.companyId])).rejects.toThrow(/append-only \(DELETE rejected\)/);
    await expect(conn.execute('truncate audit_log')).rejects.toThrow(/append-only \(TRUNCATE rejected\)/);
    expect(await em().count(AuditLogSchema, {})).toBe(1);
  });
});
