/**
 * Contacts for the API: reads as one SQL statement mapped to the DTO (masked for roles without
 * pii:read), writes inside the caller's transaction. E-mail is stored lower-cased, phone numbers in
 * E.164, so imports, suppressions and the send path all match on the same form.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { maskContact } from '../../domain/masking.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import type { z } from '../openapi-zod.ts';
import { containsPattern, iso, isUniqueViolation } from '../segments/query.ts';
import { checkContactValues, type ContactValues } from './fields.ts';
import type { ConsentUpdate, ContactDto, ContactListQuery } from './schemas.ts';

const COLUMNS = `c.id, c.email, c.phone, c.whatsapp_number, c.push_token, c.first_name, c.last_name, c.region, c.time_zone, c.attributes, c.consent,
  c.unsubscribed_at, c.bounced_at, c.complained_at, c.created_at, c.updated_at`;

interface Row {
  id: string;
  email: string | null;
  phone: string | null;
  whatsapp_number: string | null;
  push_token: string | null;
  first_name: string | null;
  last_name: string | null;
  region: string | null;
  time_zone: string | null;
  attributes: Record<string, unknown>;
  consent: ContactDto['consent'];
  unsubscribed_at: Date | null;
  bounced_at: Date | null;
  complained_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The full contact: what the audit log keeps and what privileged roles see. */
function toDto(r: Row): ContactDto {
  return {
    id: r.id,
    email: r.email,
    phone: r.phone,
    whatsappNumber: r.whatsapp_number,
    pushToken: r.push_token,
    firstName: r.first_name,
    lastName: r.last_name,
    region: r.region,
    timeZone: r.time_zone,
    attributes: r.attributes,
    consent: r.consent,
    unsubscribedAt: iso(r.unsubscribed_at),
    bouncedAt: iso(r.bounced_at),
    complainedAt: iso(r.complained_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    masked: false,
  };
}

/** What `caller` may see of a contact. */
export function visibleTo(canSeePii: boolean, contact: ContactDto): ContactDto {
  return canSeePii ? contact : { ...maskContact(contact), masked: true };
}

const SORT_SQL: Record<z.infer<typeof ContactListQuery>['sort'], string> = {
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
  email: 'c.email',
  lastName: 'lower(c.last_name)',
};

export async function listContacts(em: EntityManager, companyId: string, q: z.infer<typeof ContactListQuery>, canSeePii: boolean) {
  const where = ['c.company_id = ?'];
  const params: Knex.Value[] = [companyId];
  if (q.q) {
    const like = containsPattern(q.q);
    // Without pii:read, matching on e-mail would let a caller probe addresses they cannot see.
    const name = `(c.first_name ilike ? or c.last_name ilike ? or (coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) ilike ?)`;
    where.push(canSeePii ? `(c.email ilike ? or ${name})` : name);
    params.push(...(canSeePii ? [like] : []), like, like, like);
  }
  if (q.region?.length) {
    where.push('c.region = any(?)');
    params.push(q.region);
  }
  if (q.consent) {
    where.push(`coalesce((c.consent -> ? ->> 'granted')::boolean, false) = ?`);
    params.push(q.consent, q.consentGranted);
  }
  if (q.unsubscribed !== undefined) where.push(q.unsubscribed ? 'c.unsubscribed_at is not null' : 'c.unsubscribed_at is null');
  const sql = sqlOf(em);
  const whereSql = where.join(' and ');
  const [rows, total] = await Promise.all([
    sql.raw<{ rows: Row[] }>(
      `select ${COLUMNS} from contacts c where ${whereSql} order by ${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'asc' : 'desc'} nulls last, c.id limit ? offset ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from contacts c where ${whereSql}`, params),
  ]);
  return { items: rows.rows.map((r) => visibleTo(canSeePii, toDto(r))), page: q.page, pageSize: q.pageSize, total: Number(total.rows[0]!.n) };
}

export async function loadContact(em: EntityManager, companyId: string, id: string, lock = false): Promise<ContactDto> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from contacts c where c.id = ? and c.company_id = ?${lock ? ' for update' : ''}`, [id, companyId]);
  const r = res.rows[0];
  if (!r) throw new NotFoundError('contact', id);
  return toDto(r);
}

function checked(input: ContactValues): ContactValues {
  const { values, issues } = checkContactValues(input);
  if (issues.length) throw new ValidationError(issues);
  return values;
}

async function guardEmail<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err, 'contacts_company_id_email_unique')) throw ValidationError.field('email', 'another contact already has this e-mail address');
    throw err;
  }
}

const addressless = (v: ContactValues) => !v.email && !v.phone && !v.whatsappNumber && !v.pushToken;
const NO_ADDRESS = 'a contact needs at least one of email, phone, whatsappNumber or pushToken';

export async function createContact(em: EntityManager, caller: Caller, input: ContactValues): Promise<string> {
  const v = checked(input);
  if (addressless(v)) throw ValidationError.field('email', NO_ADDRESS);
  const attributes = Object.fromEntries(Object.entries(v.attributes ?? {}).filter(([, x]) => x !== null));
  const res = await guardEmail(() =>
    sqlOf(em).raw<{ rows: { id: string }[] }>(
      `insert into contacts (company_id, email, phone, whatsapp_number, push_token, first_name, last_name, region, time_zone, attributes, consent)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}') returning id`,
      [
        caller.companyId, v.email ?? null, v.phone ?? null, v.whatsappNumber ?? null, v.pushToken ?? null, v.firstName ?? null, v.lastName ?? null,
        v.region ?? null, v.timeZone ?? null, JSON.stringify(attributes),
      ],
    ),
  );
  return res.rows[0]!.id;
}

export async function updateContact(em: EntityManager, caller: Caller, current: ContactDto, input: ContactValues): Promise<void> {
  const v = checked(input);
  const pick = <K extends keyof ContactValues>(k: K, now: ContactValues[K]) => (v[k] === undefined ? now : v[k]);
  const next: ContactValues = {
    email: pick('email', current.email),
    phone: pick('phone', current.phone),
    whatsappNumber: pick('whatsappNumber', current.whatsappNumber),
    pushToken: pick('pushToken', current.pushToken),
  };
  if (addressless(next)) throw ValidationError.field('email', NO_ADDRESS);
  const attributes = { ...current.attributes };
  for (const [k, x] of Object.entries(v.attributes ?? {})) {
    if (x === null) delete attributes[k];
    else attributes[k] = x;
  }
  await guardEmail(() =>
    sqlOf(em).raw(
      `update contacts set email = ?, phone = ?, whatsapp_number = ?, push_token = ?, first_name = ?, last_name = ?, region = ?, time_zone = ?,
              attributes = ?, updated_at = now() where id = ? and company_id = ?`,
      [
        next.email ?? null, next.phone ?? null, next.whatsappNumber ?? null, next.pushToken ?? null,
        pick('firstName', current.firstName) ?? null, pick('lastName', current.lastName) ?? null, pick('region', current.region) ?? null,
        pick('timeZone', current.timeZone) ?? null, JSON.stringify(attributes), current.id, caller.companyId,
      ],
    ),
  );
}

/** Deletes the contact; its suppressions stay (they are by address, so a re-import is still suppressed). */
export async function deleteContact(em: EntityManager, caller: Caller, id: string): Promise<void> {
  await sqlOf(em).raw(`delete from contacts where id = ? and company_id = ?`, [id, caller.companyId]);
}

export async function setConsent(em: EntityManager, caller: Caller, id: string, input: z.infer<typeof ConsentUpdate>, at: Date): Promise<void> {
  await sqlOf(em).raw(
    `update contacts set consent = jsonb_set(consent, array[?::text], jsonb_build_object('granted', ?::boolean, 'source', ?::text, 'at', ?::text), true), updated_at = now()
      where id = ? and company_id = ?`,
    [input.channel, input.granted, input.source, at.toISOString(), id, caller.companyId],
  );
}
