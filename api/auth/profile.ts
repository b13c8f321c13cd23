/** The caller as the console sees it: who, which role and permissions, and the company settings it needs. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { PERMISSIONS, permissionsOf, ROLES, type Role } from '../../domain/permissions.ts';
import { z } from '../openapi-zod.ts';

export const CompanySettingsSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    currency: z.string(),
    supportedCurrencies: z.array(z.string()),
    timeZone: z.string(),
    approvalThreshold: z.string().openapi({ description: 'Decimal string in the company currency', example: '10000.00' }),
    approvalAlwaysRequired: z.boolean(),
    channelCosts: z.record(z.string(), z.string()),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
    frequencyCap: z.object({ maxMessages: z.number(), perDays: z.number() }).nullable(),
    blockChannelOverlap: z.boolean(),
    requireTotpForApproval: z.boolean().openapi({ description: 'Approving above the approval threshold needs a sign-in with an authenticator code' }),
    schedulingWindowDays: z.number().int(),
    fiscalYearStartMonth: z.number().int(),
  })
  .openapi('CompanySettings');

export const ProfileSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    active: z.boolean(),
    totpEnabled: z.boolean(),
    team: z.string().nullable(),
    region: z.string().nullable(),
    company: CompanySettingsSchema,
  })
  .openapi('Profile');
export type Profile = z.infer<typeof ProfileSchema>;

interface Row {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  session_epoch: number;
  totp: boolean;
  team: string | null;
  region: string | null;
  company: Record<string, unknown>;
}

/** The profile of `userId` (any company: sign-in calls it before a tenant is known) and its session epoch. */
export async function loadProfile(em: EntityManager, userId: string): Promise<{ profile: Profile; sessionEpoch: number }> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(
    `select u.id, u.email, u.name, u.role, u.active, u.session_epoch, u.totp_secret is not null as totp, t.name as team, u.region,
            json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'currency', c.currency, 'supportedCurrencies', c.supported_currencies,
              'timeZone', c.time_zone, 'approvalThreshold', c.approval_threshold::text, 'approvalAlwaysRequired', c.approval_always_required,
              'channelCosts', c.channel_costs, 'quietHours', c.quiet_hours, 'frequencyCap', c.frequency_cap,
              'blockChannelOverlap', c.block_channel_overlap, 'requireTotpForApproval', c.require_totp_for_approval, 'schedulingWindowDays', c.scheduling_window_days,
              'fiscalYearStartMonth', c.fiscal_year_start_month) as company
       from users u join companies c on c.id = u.company_id left join teams t on t.id = u.team_id
      where u.id = ?`,
    [userId],
  );
  const r = res.rows[0];
  if (!r) throw new NotFoundError('user', userId);
  return {
    sessionEpoch: r.session_epoch,
    profile: {
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      permissions: permissionsOf(r.role),
      active: r.active,
      totpEnabled: r.totp,
      team: r.team,
      region: r.region,
      company: r.company as Profile['company'],
    },
  };
}
