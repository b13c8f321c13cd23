/**
 * The one permission matrix. Every API route names the permission it needs (api/openapi.ts puts it
 * in the OpenAPI document as `x-permission`); the server enforces it and the console hides what a
 * role cannot use. A table-driven test walks every route against every role.
 */
export const ROLES = ['admin', 'manager', 'approver', 'analyst', 'ops', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'create',
  'read',
  'update',
  'delete',
  /** Submit, schedule, send now. */
  'launch',
  'approve',
  /** Pause, resume, stop. */
  'control',
  /** Record conversions, orders, leads, spend and tracked-channel figures (machine callers use an API key's scopes). */
  'revenue:write',
  'analytics:read',
  'analytics:export',
  /** Temporal histories, failing activities, stuck campaigns. */
  'workflow:read',
  /** Personal fields (email, phone) unmasked. */
  'pii:read',
  /** Users, roles, company settings. */
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ALL,
  manager: ['create', 'read', 'update', 'delete', 'launch', 'control', 'revenue:write', 'analytics:read', 'analytics:export', 'pii:read'],
  approver: ['read', 'approve', 'analytics:read'],
  analyst: ['read', 'analytics:read', 'analytics:export'],
  ops: ['read', 'control', 'workflow:read', 'pii:read'],
  // Executives and stakeholders read campaigns and their figures (seed 000 dashboards); no export, no personal data.
  viewer: ['read', 'analytics:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}
