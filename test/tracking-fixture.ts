/**
 * A campaign that has been snapshotted and "sent" (rows marked sent an hour ago), its links
 * recorded, and each message's HTML rendered exactly as the send path renders it: what the tracking
 * and webhook tests click, open and bounce.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { createCampaignBookkeeping } from '../activities/campaign.ts';
import { compileTrackedHtml, renderTrackedHtml } from '../activities/render.ts';
import { recordCampaignLinks } from '../db/repositories/tracking-links.ts';
import { createToken } from '../domain/tracking-token.ts';
import type { Config } from '../config/env.ts';
import { createCampaignFixture, type CampaignFixture } from './fixtures/campaigns.ts';

export const HTML =
  '<html><body><p>Hi {{ contact.first_name }}</p><a href="https://shop.example/spring?x=1&amp;y=2#top">Shop</a> ' +
  '<a href="https://shop.example/b">B</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>';

export interface SentCampaign extends CampaignFixture {
  recipients: { id: number; contactId: string; address: string }[];
  /** Path of link `i` (or of the pixel) in the message sent to recipient `rid`. */
  clickPath(rid: number, i: number): string;
  openPath(rid: number): string;
  unsubscribePath(rid: number): string;
}

export async function sentCampaign(orm: MikroORM, config: Config, slug: string, opts: { channel?: 'email' | 'sms'; contacts?: number } = {}): Promise<SentCampaign> {
  const channel = opts.channel ?? 'email';
  const fixture = await createCampaignFixture(orm, {
    slug,
    contacts: opts.contacts ?? 4,
    channel,
    content: { email: { subject: 'Spring', html: HTML }, sms: { body: 'Spring sale {{ contact.first_name }}' } },
  });
  await createCampaignBookkeeping(orm).snapshotAudience({ campaignId: fixture.campaignId, companyId: fixture.companyId });
  const knex = orm.em.getKnex();
  const rows = await knex.raw<{ rows: { id: string; contact_id: string; address: string }[] }>(
    `update campaign_recipients set status = 'sent', sent_at = now() - interval '1 hour', provider_message_id = ? || '-' || id
     where campaign_id = ? returning id, contact_id, address`,
    [slug, fixture.campaignId],
  );
  await recordCampaignLinks(knex, fixture.campaignId);
  const compiled = compileTrackedHtml(HTML);
  const render = (rid: number) =>
    renderTrackedHtml(compiled, { contact: { first_name: 'X' }, unsubscribe_url: `${config.publicUrl}/t/u/${createToken(config.trackingSecret, { kind: 'u', recipientId: rid })}` }, {
      publicUrl: config.publicUrl,
      secret: config.trackingSecret,
      recipientId: rid,
    });
  const path = (url: string) => new URL(url).pathname;
  return {
    ...fixture,
    recipients: rows.rows.map((r) => ({ id: Number(r.id), contactId: r.contact_id, address: r.address })).sort((a, b) => a.id - b.id),
    clickPath: (rid, i) => path([...render(rid).matchAll(/href="([^"]+\/t\/c\/[^"]+)"/g)][i]![1]!),
    openPath: (rid) => path(render(rid).match(/<img src="([^"]+)"/)![1]!),
    unsubscribePath: (rid) => path(render(rid).match(/href="([^"]+\/t\/u\/[^"]+)"/)![1]!),
  };
}
