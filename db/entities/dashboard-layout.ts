/**
 * Each user's analytics dashboard layout (issue 9): which widgets, in which order and width. One row
 * per user, stored as JSON because the console owns its shape; the API's schema bounds its size.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const DashboardLayoutSchema = defineEntity({
  name: 'DashboardLayout',
  tableName: 'dashboard_layouts',
  filters: tenantFilter,
  properties: {
    user: () => p.manyToOne(UserSchema).ref().primary().deleteRule('cascade'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    widgets: p.json<{ id: string; w: number }[]>(),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type DashboardLayout = InferEntity<typeof DashboardLayoutSchema>;
