import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions.ts';

describe('permission matrix', () => {
  it('gives admin everything and a viewer only reading, figures included', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true);
    expect(PERMISSIONS.filter((p) => can('viewer', p))).toEqual(['read', 'analytics:read']);
  });

  it('separates launching from approving: no role but admin does both', () => {
    const both = ROLES.filter((r) => can(r, 'launch') && can(r, 'approve'));
    expect(both).toEqual(['admin']);
  });

  it('lets ops control running campaigns and read workflows, but not edit them', () => {
    expect(can('ops', 'control')).toBe(true);
    expect(can('ops', 'workflow:read')).toBe(true);
    expect(can('ops', 'update')).toBe(false);
    expect(can('ops', 'launch')).toBe(false);
  });

  it('masks personal data for analysts, approvers and viewers', () => {
    expect(ROLES.filter((r) => !can(r, 'pii:read'))).toEqual(['approver', 'analyst', 'viewer']);
  });

  it('lets only admins and managers record revenue and spend', () => {
    expect(ROLES.filter((r) => can(r, 'revenue:write'))).toEqual(['admin', 'manager']);
  });

  it('names only known permissions', () => {
    for (const list of Object.values(ROLE_PERMISSIONS)) for (const p of list) expect(PERMISSIONS).toContain(p);
  });
});
