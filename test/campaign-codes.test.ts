import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { buildWorld, type World } from './fixtures/world.ts';
import { isCampaignCodeTaken, nextCampaignCode } from '../db/repositories/campaigns.ts';

let db: TestDatabase;
let w: World;
beforeAll(async () => {
  db = await createTestDatabase();
  w = await buildWorld(db.orm.em, 'codes');
});
afterAll(async () => {
  await db?.drop();
});

describe('campaign codes', () => {
  it('numbers from the company sequence, never handing out a code twice, even at once', async () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const codes = await Promise.all(Array.from({ length: 20 }, () => nextCampaignCode(db.orm.em.fork(), w.companyId, now)));
    expect(new Set(codes).size).toBe(20);
    // The world's campaign already holds CMP-1; generated codes have the year and four digits.
    expect(codes.every((c) => /^CMP-2026-\d{4}$/.test(c))).toBe(true);
  });

  it('skips a number a campaign already holds', async () => {
    const knex = db.orm.em.getKnex();
    const { rows } = await knex.raw<{ rows: { campaign_seq: number }[] }>('select campaign_seq from companies where id = ?', [w.companyId]);
    const next = `CMP-2026-${String(rows[0]!.campaign_seq + 1).padStart(4, '0')}`;
    await knex.raw(`update campaigns set code = ? where id = ?`, [next, w.campaignId]);
    expect(await isCampaignCodeTaken(db.orm.em.fork(), w.companyId, next.toLowerCase())).toBe(true);
    const code = await nextCampaignCode(db.orm.em.fork(), w.companyId, new Date('2026-05-01T00:00:00Z'));
    expect(code).not.toBe(next);
    expect(code).toBe(`CMP-2026-${String(rows[0]!.campaign_seq + 2).padStart(4, '0')}`);
  });
});
