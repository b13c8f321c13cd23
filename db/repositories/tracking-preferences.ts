/**
 * The preference page's data: which channels a contact can be reached on and which they receive,
 * reached through one of their messages (the token names a campaign_recipients row).
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { CampaignChannel } from '../../domain/campaign-rules.ts';
import { normalise, withdrawConsent } from './tracking-provider-events.ts';
import { recordEvents } from './events.ts';

export interface ChannelPreference {
  channel: CampaignChannel;
  /** Shown masked: whoever holds a forwarded message sees which channels, not the addresses. */
  address: string;
  subscribed: boolean;
  /** Suppressed for a reason the person cannot undo here (bounce, complaint, SMS STOP). */
  locked: boolean;
}

export interface Preferences {
  recipientId: number;
  companyId: string;
  campaignId: string;
  contactId: string;
  messageChannel: CampaignChannel;
  channels: ChannelPreference[];
}

const ADDRESS: [CampaignChannel, string][] = [
  ['email', 'email'],
  ['sms', 'phone'],
  ['whatsapp', 'whatsapp_number'],
];

interface Row {
  company_id: string;
  campaign_id: string;
  contact_id: string;
  channel: CampaignChannel;
  email: string | null;
  phone: string | null;
  whatsapp_number: string | null;
  consent: Record<string, { granted?: boolean } | undefined>;
  unsubscribed_at: string | null;
  suppressions: { channel: string; address: string; reason: string }[] | null;
}

export async function loadPreferences(knex: Knex, recipientId: number): Promise<Preferences | null> {
  const row = (
    await knex.raw<{ rows: Row[] }>(
      `select r.company_id, r.campaign_id, r.contact_id, r.channel, c.email, c.phone, c.whatsapp_number, c.consent, c.unsubscribed_at,
              (select json_agg(json_build_object('channel', s.channel, 'address', s.address, 'reason', s.reason)) from suppressions s
                where s.company_id = c.company_id and s.address in (lower(c.email), c.phone, c.whatsapp_number)) as suppressions
       from campaign_recipients r join contacts c on c.id = r.contact_id where r.id = ?`,
      [recipientId],
    )
  ).rows[0];
  if (!row) return null;
  const channels: ChannelPreference[] = [];
  for (const [channel, column] of ADDRESS) {
    const address = row[column as 'email' | 'phone' | 'whatsapp_number'];
    if (!address) continue;
    const blocks = (row.suppressions ?? []).filter((s) => s.channel === channel && s.address === normalise(channel, address));
    const locked = blocks.some((s) => s.reason !== 'unsubscribed');
    const subscribed = row.consent?.[channel]?.granted === true && row.unsubscribed_at === null && blocks.length === 0;
    channels.push({ channel, address: mask(channel, address), subscribed, locked });
  }
  return { recipientId, companyId: row.company_id, campaignId: row.campaign_id, contactId: row.contact_id, messageChannel: row.channel, channels };
}

function mask(channel: CampaignChannel, address: string): string {
  if (channel === 'email') {
    const [local = '', domain = ''] = address.split('@');
    return `${local.slice(0, 1)}•••@${domain}`;
  }
  return `•••${address.slice(-3)}`;
}

/**
 * Applies the person's choice: channels left out are withdrawn (consent, suppression, and an
 * `unsubscribed` event when it is the channel of the message they came from); channels chosen are
 * granted again, and the suppression their own unsubscribe created is lifted. Locked channels are
 * left as they are.
 */
export async function savePreferences(em: EntityManager, prefs: Preferences, chosen: Set<string>, at: Date): Promise<void> {
  await em.transactional(async (tx) => {
    const exec = <T>(sql: string, params: unknown[]) => tx.execute(sql, params as never[]) as Promise<T[]>;
    const addresses = (await exec<Record<string, string | null>>('select email, phone, whatsapp_number from contacts where id = ? for update', [prefs.contactId]))[0];
    if (!addresses) return;
    const source = 'preference-page';
    for (const p of prefs.channels) {
      if (p.locked) continue;
      const column = ADDRESS.find(([c]) => c === p.channel)![1];
      const address = addresses[column];
      if (!address) continue;
      const want = chosen.has(p.channel);
      if (want && !p.subscribed) {
        await exec(
          `update contacts set consent = jsonb_set(coalesce(consent, '{}'::jsonb), array[?::text], jsonb_build_object('granted', true, 'source', ?::text, 'at', ?::text), true),
             unsubscribed_at = null, updated_at = now() where id = ?`,
          [p.channel, source, at.toISOString(), prefs.contactId],
        );
        await exec(`delete from suppressions where company_id = ? and channel = ? and address = ? and reason = 'unsubscribed'`, [prefs.companyId, p.channel, normalise(p.channel, address)]);
      } else if (!want) {
        // Also when already shown as unsubscribed: a global unsubscribe lifted by choosing another
        // channel must not bring back a consent this channel still had underneath.
        await withdrawConsent(exec, [{ contactId: prefs.contactId, channel: p.channel, source, at }]);
        await exec(
          `insert into suppressions (company_id, channel, address, reason, source) values (?, ?, ?, 'unsubscribed', ?) on conflict (company_id, channel, address) do nothing`,
          [prefs.companyId, p.channel, normalise(p.channel, address), source],
        );
        if (p.subscribed && p.channel === prefs.messageChannel) {
          await recordEvents(tx, [
            { company: prefs.companyId, campaign: prefs.campaignId, recipient: prefs.recipientId, channel: p.channel, type: 'unsubscribed', idempotencyKey: `u:${prefs.recipientId}`, source, occurredAt: at },
          ]);
        }
      }
    }
  });
}
