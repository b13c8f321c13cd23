/** Users and roles, and the company's settings: the admin pages. */
import { randomBytes } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { hashPassword } from '../domain/password.ts';
import { ROLES } from '../domain/permissions.ts';
import { normalizeAmount } from '../domain/money.ts';
import { isIso4217 } from '../domain/currency.ts';
import { sqlOf } from '../db/sql.ts';
import { containsPattern } from './query-values.ts';
import { audit } from './audit.ts';
import { endAllSessions } from './auth/sessions.ts';
import { notifyUserChanged } from './auth/user-cache.ts';
import { CompanySettingsSchema, loadProfile } from './auth/profile.ts';
import { body, errors, IdParam, json, PageQuery, pageOf, router, secured, z } from './openapi.ts';
import type { EntityManager } from '@mikro-orm/postgresql';

const UserDto = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(ROLES), team: z.string().nullable(), region: z.string().nullable(), active: z.boolean(), totpEnabled: z.boolean(), createdAt: z.string() })
  .openapi('User');

const UserCreate = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    region: z.string().max(64).optional(),
    password: z.string().min(12, 'at least 12 characters').max(1024).optional().openapi({ description: 'Omit to get a one-time password to hand over instead' }),
  })
  .openapi('UserCreate');

const UserPatch = z.strictObject({ name: z.string().min(1).max(200), role: z.enum(ROLES), region: z.string().max(64).nullable(), active: z.boolean() }).partial().openapi('UserPatch');

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  team: string | null;
  region: string | null;
  active: boolean;
  totp: boolean;
  created_at: Date;
  total?: string;
}
const USER_SELECT = `select u.id, u.email, u.name, u.role, t.name as team, u.region, u.active, u.totp_secret is not null as totp, u.created_at
  from users u left join teams t on t.id = u.team_id`;
const toUser = (r: UserRow) => ({ id: r.id, email: r.email, name: r.name, role: r.role, team: r.team, region: r.region, active: r.active, totpEnabled: r.totp, createdAt: new Date(r.created_at).toISOString() });

async function loadUser(em: EntityManager, companyId: string, id: string) {
  const res = await sqlOf(em).raw<{ rows: UserRow[] }>(`${USER_SELECT} where u.id = ? and u.company_id = ?`, [id, companyId]);
  if (!res.rows[0]) throw new NotFoundError('user', id);
  return toUser(res.rows[0]);
}

const SettingsPatch = z
  .strictObject({
    approvalThreshold: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string such as "10000.00"'),
    approvalAlwaysRequired: z.boolean(),
    timeZone: z.string().max(64),
    currency: z.string().length(3),
    supportedCurrencies: z.array(z.string().length(3)).min(1).max(20),
    channelCosts: z.record(z.enum(['email', 'sms', 'push', 'whatsapp', 'webhook']), z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string such as "0.0075"')),
    quietHours: z.object({ start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'), end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM') }).nullable(),
    frequencyCap: z.object({ maxMessages: z.number().int().min(1).max(1000), perDays: z.number().int().min(1).max(365) }).nullable(),
    blockChannelOverlap: z.boolean(),
    requireTotpForApproval: z.boolean(),
    schedulingWindowDays: z.number().int().min(1).max(3650),
    fiscalYearStartMonth: z.number().int().min(1).max(12),
  })
  .partial()
  .openapi('CompanySettingsPatch');

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function adminRoutes() {
  const list = createRoute({ method: 'get', path: '/users', tags: ['Admin'], summary: 'Users of my company', ...secured('admin'), request: { query: z.object({ ...PageQuery, q: z.string().max(200).optional(), role: z.enum(ROLES).optional(), active: z.enum(['true', 'false']).optional() }) }, responses: { 200: json(pageOf(UserDto, 'UserPage'), 'Users'), ...errors() } });
  const create = createRoute({ method: 'post', path: '/users', tags: ['Admin'], summary: 'Create a user (or get a one-time password to hand over)', ...secured('admin'), request: { body: body(UserCreate) }, responses: { 201: json(UserDto.extend({ oneTimePassword: z.string().optional() }), 'Created'), ...errors(409) } });
  const patch = createRoute({ method: 'patch', path: '/users/{id}', tags: ['Admin'], summary: 'Change name, role or region, or (de)activate; a role change or deactivation ends their sessions', ...secured('admin'), request: { params: IdParam, body: body(UserPatch) }, responses: { 200: json(UserDto, 'Saved'), ...errors(404, 409) } });
  const getSettings = createRoute({ method: 'get', path: '/settings', tags: ['Admin'], summary: "My company's settings", ...secured('read'), responses: { 200: json(CompanySettingsSchema, 'Settings'), ...errors() } });
  const putSettings = createRoute({ method: 'patch', path: '/settings', tags: ['Admin'], summary: 'Change approval threshold, time zone, currency, channel costs, quiet hours, frequency cap…', ...secured('admin'), request: { body: body(SettingsPatch) }, responses: { 200: json(CompanySettingsSchema, 'Saved'), ...errors() } });

  return router()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const where = ['u.company_id = ?'];
      const params: (string | number | boolean)[] = [c.get('caller').companyId];
      const add = (clause: string, ...values: (string | boolean)[]) => {
        where.push(clause);
        params.push(...values);
      };
      if (q.role) add('u.role = ?', q.role);
      if (q.active) add('u.active = ?', q.active === 'true');
      if (q.q) add('(u.email ilike ? or u.name ilike ?)', containsPattern(q.q), containsPattern(q.q));
      const res = await sqlOf(c.get('em')).raw<{ rows: UserRow[] }>(`${USER_SELECT.replace('select ', 'select count(*) over () as total, ')} where ${where.join(' and ')} order by lower(u.name), u.id limit ? offset ?`, [...params, q.pageSize, (q.page - 1) * q.pageSize]);
      return c.json({ items: res.rows.map(toUser), page: q.page, pageSize: q.pageSize, total: Number(res.rows[0]?.total ?? 0) }, 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const oneTime = input.password ? undefined : randomBytes(12).toString('base64url');
      const hash = await hashPassword(input.password ?? oneTime!);
      const em = c.get('em');
      const user = await em.transactional(async (tx) => {
        const dup = await sqlOf(tx).raw<{ rows: unknown[] }>(`select 1 from users where company_id = ? and lower(email) = lower(?)`, [caller.companyId, input.email]);
        if (dup.rows.length) throw new ConflictError(`a user with ${input.email} already exists`, 'email_taken', { field: 'email' });
        const res = await sqlOf(tx).raw<{ rows: { id: string }[] }>(`insert into users (company_id, email, name, password_hash, role, region) values (?, ?, ?, ?, ?, ?) returning id`, [
          caller.companyId,
          input.email,
          input.name,
          hash,
          input.role,
          input.region ?? null,
        ]);
        const id = res.rows[0]!.id;
        await audit(tx, c, { action: 'user.created', entityType: 'user', entityId: id, after: { email: input.email, role: input.role } });
        return loadUser(tx, caller.companyId, id);
      });
      return c.json({ ...user, ...(oneTime ? { oneTimePassword: oneTime } : {}) }, 201);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const p = c.req.valid('json');
      const caller = c.get('caller');
      const em = c.get('em');
      const updated = await em.transactional(async (tx) => {
        const before = await loadUser(tx, caller.companyId, id);
        const losesAdmin = before.role === 'admin' && before.active && ((p.role !== undefined && p.role !== 'admin') || p.active === false);
        if (losesAdmin) {
          const admins = await sqlOf(tx).raw<{ rows: { n: string }[] }>(`select count(*) as n from users where company_id = ? and role = 'admin' and active and id <> ?`, [caller.companyId, id]);
          if (Number(admins.rows[0]!.n) === 0) throw new ConflictError('this is the last active admin: make someone else admin first', 'last_admin');
        }
        await sqlOf(tx).raw(`update users set name = coalesce(?, name), role = coalesce(?, role), region = case when ? then ? else region end, active = coalesce(?, active), updated_at = now() where id = ? and company_id = ?`, [
          p.name ?? null,
          p.role ?? null,
          p.region !== undefined,
          p.region ?? null,
          p.active ?? null,
          id,
          caller.companyId,
        ]);
        if ((p.role !== undefined && p.role !== before.role) || (p.active === false && before.active)) await endAllSessions(tx, id);
        else await notifyUserChanged(sqlOf(tx), id);
        const after = await loadUser(tx, caller.companyId, id);
        await audit(tx, c, { action: 'user.updated', entityType: 'user', entityId: id, before: { role: before.role, active: before.active, name: before.name }, after: { role: after.role, active: after.active, name: after.name } });
        return after;
      });
      c.get('deps').users?.forget(id);
      return c.json(updated, 200);
    })
    .openapi(getSettings, async (c) => c.json((await loadProfile(c.get('em'), c.get('caller').userId)).profile.company, 200))
    .openapi(putSettings, async (c) => {
      const p = c.req.valid('json');
      const caller = c.get('caller');
      const issues: { field: string; message: string }[] = [];
      if (p.timeZone !== undefined && !validTimeZone(p.timeZone)) issues.push({ field: 'timeZone', message: 'is not an IANA time zone such as Europe/Berlin' });
      for (const [k, v] of [['currency', p.currency], ...(p.supportedCurrencies ?? []).map((x, i) => [`supportedCurrencies.${i}`, x])] as [string, string | undefined][]) {
        if (v !== undefined && !isIso4217(v)) issues.push({ field: k, message: 'is not an ISO 4217 currency code' });
      }
      if (issues.length) throw new ValidationError(issues);
      const em = c.get('em');
      const before = (await loadProfile(em, caller.userId)).profile.company;
      const currency = p.currency ?? before.currency;
      const threshold = p.approvalThreshold !== undefined ? normalizeAmount(p.approvalThreshold, currency, 'approvalThreshold') : undefined;
      const supported = p.supportedCurrencies ?? before.supportedCurrencies;
      if (!supported.includes(currency)) throw ValidationError.field('supportedCurrencies', `must include the company currency ${currency}`);
      await em.transactional(async (tx) => {
        const set: string[] = [];
        const params: unknown[] = [];
        const put = (col: string, v: unknown, json = false) => {
          if (v === undefined) return;
          set.push(`${col} = ?`);
          params.push(json && v !== null ? JSON.stringify(v) : v);
        };
        put('approval_threshold', threshold);
        put('approval_always_required', p.approvalAlwaysRequired);
        put('time_zone', p.timeZone);
        put('currency', p.currency);
        put('supported_currencies', p.supportedCurrencies);
        put('channel_costs', p.channelCosts, true);
        put('quiet_hours', p.quietHours, true);
        put('frequency_cap', p.frequencyCap, true);
        put('block_channel_overlap', p.blockChannelOverlap);
        put('require_totp_for_approval', p.requireTotpForApproval);
        put('scheduling_window_days', p.schedulingWindowDays);
        put('fiscal_year_start_month', p.fiscalYearStartMonth);
        if (set.length) await sqlOf(tx).raw(`update companies set ${set.join(', ')}, updated_at = now() where id = ?`, [...(params as never[]), caller.companyId]);
        await audit(tx, c, { action: 'company.settings_updated', entityType: 'company', entityId: caller.companyId, before: Object.fromEntries(Object.keys(p).map((k) => [k, (before as Record<string, unknown>)[k]])), after: p });
      });
      return c.json((await loadProfile(em, caller.userId)).profile.company, 200);
    });
}
