import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { tenantFilter } from '../tenant.ts';

import { ROLES } from '../../domain/permissions.ts';

export { ROLES, type Role } from '../../domain/permissions.ts';

export const TeamSchema = defineEntity({
  name: 'Team',
  tableName: 'teams',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'name'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    name: p.string().length(120),
    region: p.string().length(64).nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Team = InferEntity<typeof TeamSchema>;

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'email'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    email: p.string().length(254),
    name: p.string().length(200),
    passwordHash: p.text().hidden(),
    role: p.enum([...ROLES]).nativeEnumName('user_role'),
    team: () => p.manyToOne(TeamSchema).ref().nullable().deleteRule('set null'),
    region: p.string().length(64).nullable(),
    active: p.boolean().default(true),
    /** Bumped by a password change, a deactivation or a role change: every older access token stops working. */
    sessionEpoch: p.integer().default(0),
    /** Base32 TOTP secret; null when the user has no second factor. Never serialised: the API maps users to DTOs. */
    totpSecret: p.string().length(64).nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type User = InferEntity<typeof UserSchema>;
