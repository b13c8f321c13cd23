/**
 * What providers (and people, through the unsubscribe link) tell us about a message after it left:
 * delivered, bounced, complained, failed, unsubscribed. One transaction per batch of events. Each
 * event is stored once (its idempotency key) and changes state once: an event whose key is already
 * stored changes nothing, and every state change is itself conditional (a delivered message stays
 * bounced, a suppression is inserted once, a withdrawn consent keeps its first time and source).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignChannel } from '../../domain/campaign-rules.ts';
import type { EventType } from '../entities/index.ts';
import { recordEvents, type NewEvent } from './events.ts';

export type ProviderEventType = Extract<EventType, 'delivered' | 'bounced_hard' | 'bounced_soft' | 'complained' | 'failed' | 'unsubscribed'>;

export interface ProviderEvent {
  /** Stored as the event's idempotency key: the provider's event id, or what makes the event unique. */
  key: string;
  /** Who told us: twilio, sendgrid, herald-webhook, unsubscribe-link, one-click… */
  source: string;
  type: ProviderEventType;
  /** campaign_recipients.id, when the provider echoes our reference … */
  recipientId?: number;
  /** … or the id the provider gave the message when it accepted it. */
  providerMessageId?: string;
  occurredAt: Date;
  reason?: string;
  metadata?: Record<string, unknown>;
  /**
   * false: apply the state change even when the key is already stored (an unsubscribe link used again
   * after the person re-subscribed on the preference page must unsubscribe again).
   */
  onceOnly?: boolean;
}

interface Target {
  id: string;
  company_id: string;
  campaign_id: string;
  channel: CampaignChannel;
  contact_id: string;
  address: string | null;
  provider_message_id: string | null;
}

type Exec = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** Applies a batch; returns, per event, whether its message was found (unknown ones are dropped). */
export async function applyProviderEvents(em: EntityManager, events: ProviderEvent[]): Promise<boolean[]> {
  if (events.length === 0) return [];
  return em.transactional(async (tx) => {
    const exec: Exec = (sql, params) => tx.execute(sql, params as never[]) as Promise<never>;
    const ids = [...new Set(events.flatMap((e) => (e.recipientId ? [e.recipientId] : [])))];
    const pids = [...new Set(events.flatMap((e) => (e.providerMessageId ? [e.providerMessageId] : [])))];
    const targets = await exec<Target>(
      `select id, company_id, campaign_id, channel, contact_id, address, provider_message_id from campaign_recipients
        where id in (select value::bigint from jsonb_array_elements_text(?::jsonb))
       union
       select id, company_id, campaign_id, channel, contact_id, address, provider_message_id from campaign_recipients
        where provider_message_id in (select value from jsonb_array_elements_text(?::jsonb))`,
      [JSON.stringify(ids), JSON.stringify(pids)],
    );
    const byId = new Map(targets.map((t) => [Number(t.id), t]));
    const byPid = new Map(targets.filter((t) => t.provider_message_id).map((t) => [t.provider_message_id!, t]));
    const matched = events.map((e) => (e.recipientId ? byId.get(e.recipientId) : undefined) ?? (e.providerMessageId ? byPid.get(e.providerMessageId) : undefined));

    const seen = new Set(
      (
        await exec<{ company_id: string; idempotency_key: string }>(
          `select company_id, idempotency_key from message_events
           where (company_id, idempotency_key) in (select c, k from jsonb_to_recordset(?::jsonb) as x(c uuid, k text))`,
          [JSON.stringify(events.flatMap((e, i) => (matched[i] ? [{ c: matched[i]!.company_id, k: e.key }] : [])))],
        )
      ).map((r) => `${r.company_id}/${r.idempotency_key}`),
    );
    const fresh: { e: ProviderEvent; t: Target }[] = [];
    const toStore: NewEvent[] = [];
    events.forEach((e, i) => {
      const t = matched[i];
      if (!t) return;
      const isNew = !seen.has(`${t.company_id}/${e.key}`);
      if (isNew || e.onceOnly === false) fresh.push({ e, t });
      if (isNew) {
        toStore.push({
          company: t.company_id,
          campaign: t.campaign_id,
          recipient: Number(t.id),
          channel: t.channel,
          type: e.type,
          idempotencyKey: e.key.slice(0, 200),
          source: e.source.slice(0, 32),
          occurredAt: e.occurredAt,
          metadata: { ...(e.reason ? { reason: e.reason.slice(0, 500) } : {}), ...e.metadata },
        });
      }
    });
    await recordEvents(tx, toStore);
    await applyStateChanges(exec, fresh);
    return matched.map((t) => t !== undefined);
  });
}

async function applyStateChanges(exec: Exec, fresh: { e: ProviderEvent; t: Target }[]): Promise<void> {
  const of = (type: ProviderEventType) => fresh.filter((f) => f.e.type === type);
  const json = (rows: unknown[]) => JSON.stringify(rows);

  const delivered = of('delivered');
  if (delivered.length > 0) {
    // A message still `sending` (e-mail) or `pending` (SMS and the other channels whose batches do
    // not mark rows before sending) is being written by its batch; its delivered_at is kept all the same.
    await exec(
      `update campaign_recipients r set status = case when r.status = 'sent' then 'delivered' else r.status end,
         delivered_at = coalesce(r.delivered_at, u.at), updated_at = now()
       from jsonb_to_recordset(?::jsonb) as u(id bigint, at timestamptz)
       where r.id = u.id and r.status in ('pending', 'sending', 'sent', 'delivered') and (r.status = 'sent' or r.delivered_at is null)`,
      [json(delivered.map((f) => ({ id: f.t.id, at: f.e.occurredAt })))],
    );
  }
  const failed = of('failed');
  if (failed.length > 0) {
    await exec(
      `update campaign_recipients r set status = 'failed', reason = left(u.reason, 64), error = left(u.reason, 500), updated_at = now()
       from jsonb_to_recordset(?::jsonb) as u(id bigint, reason text)
       where r.id = u.id and r.status = 'sent'`,
      [json(failed.map((f) => ({ id: f.t.id, reason: f.e.reason ?? 'provider_failed' })))],
    );
  }
  const hard = of('bounced_hard');
  if (hard.length > 0) {
    await exec(
      `update campaign_recipients r set status = 'bounced', reason = 'hard_bounce', error = left(u.reason, 500), updated_at = now()
       from jsonb_to_recordset(?::jsonb) as u(id bigint, reason text)
       where r.id = u.id and r.status in ('sending', 'sent', 'delivered')`,
      [json(hard.map((f) => ({ id: f.t.id, reason: f.e.reason ?? null })))],
    );
    const emails = hard.filter((f) => f.t.channel === 'email');
    if (emails.length > 0) await stampContacts(exec, 'bounced_at', emails);
    await suppress(exec, hard, 'hard_bounce');
  }
  const complaints = of('complained');
  if (complaints.length > 0) {
    await stampContacts(exec, 'complained_at', complaints);
    await suppress(exec, complaints, 'complaint');
  }
  const unsubscribes = of('unsubscribed');
  if (unsubscribes.length > 0) {
    await withdrawConsent(exec, unsubscribes.map((f) => ({ contactId: f.t.contact_id, channel: f.t.channel, source: f.e.source, at: f.e.occurredAt })));
    await suppress(exec, unsubscribes, 'unsubscribed');
  }
}

async function stampContacts(exec: Exec, column: 'bounced_at' | 'complained_at', rows: { e: ProviderEvent; t: Target }[]): Promise<void> {
  await exec(
    `update contacts c set ${column} = u.at, updated_at = now()
     from (select id, min(at) as at from jsonb_to_recordset(?::jsonb) as x(id uuid, at timestamptz) group by id) u
     where c.id = u.id and c.${column} is null`,
    [JSON.stringify(rows.map((f) => ({ id: f.t.contact_id, at: f.e.occurredAt })))],
  );
}

async function suppress(exec: Exec, rows: { e: ProviderEvent; t: Target }[], reason: 'hard_bounce' | 'complaint' | 'unsubscribed'): Promise<void> {
  const list = rows.filter((f) => f.t.address).map((f) => ({ company: f.t.company_id, channel: f.t.channel, address: normalise(f.t.channel, f.t.address!), source: f.e.source }));
  if (list.length === 0) return;
  await exec(
    `insert into suppressions (company_id, channel, address, reason, source)
     select distinct on (company, channel, address) company, channel, address, ?, left(source, 64)
     from jsonb_to_recordset(?::jsonb) as x(company uuid, channel text, address text, source text)
     on conflict (company_id, channel, address) do nothing`,
    [reason, JSON.stringify(list)],
  );
}

export function normalise(channel: CampaignChannel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.trim();
}

/**
 * Consent withdrawn for a channel, with its source and time, unless it already is (the first
 * withdrawal keeps its time). One statement per channel, so a contact leaving two channels in one
 * batch keeps both.
 */
export async function withdrawConsent(exec: Exec, rows: { contactId: string; channel: string; source: string; at: Date }[]): Promise<void> {
  for (const channel of new Set(rows.map((r) => r.channel))) {
    const list = [...new Map(rows.filter((r) => r.channel === channel).map((r) => [r.contactId, r])).values()];
    await exec(
      `update contacts c set consent = jsonb_set(coalesce(c.consent, '{}'::jsonb), array[?::text],
         jsonb_build_object('granted', false, 'source', u.source, 'at', u.at), true), updated_at = now()
       from jsonb_to_recordset(?::jsonb) as u(id uuid, source text, at text)
       where c.id = u.id and coalesce((c.consent -> ? ->> 'granted')::boolean, true) is distinct from false`,
      [channel, JSON.stringify(list.map((r) => ({ id: r.contactId, source: r.source, at: r.at.toISOString() }))), channel],
    );
  }
}

/**
 * An inbound STOP to one of Herald's numbers: the number is suppressed for that channel and its
 * consent withdrawn in every company that has it as a contact (a shared sending number cannot say
 * which company the person meant, and carriers expect STOP to stop everything from that number).
 * The unsubscribe is attributed to the last message sent to the contact on that channel in the past
 * 30 days, when there is one. Returns how many contacts it applied to.
 */
export async function applyInboundStop(
  em: EntityManager,
  stop: { channel: 'sms' | 'whatsapp'; address: string; key: string; source: string; at: Date },
): Promise<number> {
  const column = stop.channel === 'sms' ? 'phone' : 'whatsapp_number';
  return em.transactional(async (tx) => {
    const exec: Exec = (sql, params) => tx.execute(sql, params as never[]) as Promise<never>;
    const contacts = await exec<{ id: string; company_id: string }>(`select id, company_id from contacts where ${column} = ?`, [stop.address]);
    if (contacts.length === 0) return 0;
    await withdrawConsent(exec, contacts.map((c) => ({ contactId: c.id, channel: stop.channel, source: stop.source, at: stop.at })));
    await exec(
      `insert into suppressions (company_id, channel, address, reason, source)
       select distinct company_id, ?, ?, 'inbound_stop', ? from contacts where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
       on conflict (company_id, channel, address) do nothing`,
      [stop.channel, stop.address, stop.source.slice(0, 64), JSON.stringify(contacts.map((c) => c.id))],
    );
    const last = await exec<{ id: string; company_id: string; campaign_id: string }>(
      `select distinct on (r.company_id) r.id, r.company_id, r.campaign_id
       from campaign_recipients r join jsonb_to_recordset(?::jsonb) as x(id uuid, company uuid) on r.company_id = x.company and r.contact_id = x.id
       where r.channel = ? and r.sent_at > now() - interval '30 days'
       order by r.company_id, r.sent_at desc`,
      [JSON.stringify(contacts.map((c) => ({ id: c.id, company: c.company_id }))), stop.channel],
    );
    await recordEvents(
      tx,
      last.map((r) => ({
        company: r.company_id,
        campaign: r.campaign_id,
        recipient: Number(r.id),
        channel: stop.channel,
        type: 'unsubscribed' as const,
        idempotencyKey: stop.key.slice(0, 200),
        source: stop.source.slice(0, 32),
        occurredAt: stop.at,
        metadata: { inbound: 'STOP' },
      })),
    );
    return contacts.length;
  });
}

/**
 * An inbound START (or YES, UNSTOP) from a number that sent STOP: the opt-out that STOP made is
 * undone for that channel — the inbound-stop suppression is lifted and consent granted again, with
 * source and time — in every company where STOP had applied it. An unsubscribe made any other way
 * (a link, a complaint, an import, a hard bounce) is left alone: START only answers STOP. Returns
 * how many contacts were re-subscribed.
 */
export async function applyInboundStart(
  em: EntityManager,
  start: { channel: 'sms' | 'whatsapp'; address: string; source: string; at: Date },
): Promise<number> {
  const column = start.channel === 'sms' ? 'phone' : 'whatsapp_number';
  return em.transactional(async (tx) => {
    const exec: Exec = (sql, params) => tx.execute(sql, params as never[]) as Promise<never>;
    await exec(`delete from suppressions where channel = ? and address = ? and reason = 'inbound_stop'`, [start.channel, start.address]);
    const updated = await exec<{ id: string }>(
      `update contacts c set consent = jsonb_set(coalesce(c.consent, '{}'::jsonb), array[?::text],
         jsonb_build_object('granted', true, 'source', ?::text, 'at', ?::text), true), updated_at = now()
       where c.${column} = ? and c.consent -> ? ->> 'source' = 'inbound-stop' and (c.consent -> ? ->> 'granted')::boolean is false
       returning c.id`,
      [start.channel, start.source.slice(0, 64), start.at.toISOString(), start.address, start.channel, start.channel],
    );
    return updated.length;
  });
}
