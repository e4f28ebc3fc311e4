import { z } from 'zod';
import { APPROVAL_ACTIONS, type ApprovalAction } from '../approvals/policy.js';
import { API_ROLES, type ApiRole } from '../config/roles.js';
import { PASSWORD_HASH } from './passwords.js';

// The environment settings of people and four-eyes, parsed once at start (config/schema.ts uses them).

/** A person who signs in with a password: the demo's users, or a bank without single sign-on. */
export interface LocalUser {
  readonly name: string;
  readonly roles: readonly ApiRole[];
  /** scrypt hash (identity/passwords.ts); the password itself is never configured. */
  readonly passwordHash: string;
}

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;
const isRole = (role: string): role is ApiRole => (API_ROLES as readonly string[]).includes(role);

/** `name:role[+role…]:scrypt$…` entries, comma-separated. */
export const localUsersSetting = z.string().optional().transform((text, ctx): LocalUser[] => {
  const users: LocalUser[] = [];
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, roles, hash, ...rest] = entry.split(':');
    const shown = `"${entry.slice(0, 12)}…"`;
    const roleList = (roles ?? '').split('+').filter(Boolean);
    if (!name || !USER_NAME.test(name) || rest.length > 0 || roleList.length === 0 || !roleList.every(isRole) || !hash || !PASSWORD_HASH.test(hash)) {
      ctx.addIssue({ code: 'custom', message: `${shown} must be name:role[+role]:scrypt-hash (npm run hash-password makes the hash); roles: ${API_ROLES.join(', ')}` });
      return z.NEVER;
    }
    if (users.some((u) => u.name.toLowerCase() === name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', message: `${shown}: user ${name} is listed twice` });
      return z.NEVER;
    }
    users.push({ name, roles: roleList as ApiRole[], passwordHash: hash });
  }
  return users;
});

/** `claim-value=role` pairs: a signed-in user whose roles claim holds the value gets the role. */
export const oidcRoleMapSetting = z.string().optional().transform((text, ctx): Map<string, ApiRole[]> => {
  const map = new Map<string, ApiRole[]>();
  for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !value || !isRole(role)) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" must be claim-value=role with role one of ${API_ROLES.join(', ')}` });
      return z.NEVER;
    }
    map.set(value, [...(map.get(value) ?? []), role]);
  }
  return map;
});

/** Actions that need a second person's approval: a comma list, `all` (the default) or `none`. */
export const approvalActionsSetting = z.string().optional().transform((text, ctx): ApprovalAction[] => {
  const value = (text ?? 'all').trim();
  if (value === 'all' || value === '') return [...APPROVAL_ACTIONS];
  if (value === 'none') return [];
  const actions = value.split(',').map((a) => a.trim()).filter(Boolean);
  const unknown = actions.filter((a) => !(APPROVAL_ACTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown action ${unknown.join(', ')}; use all, none or any of ${APPROVAL_ACTIONS.join(', ')}` });
    return z.NEVER;
  }
  return actions as ApprovalAction[];
});

/** The roles a user's claims give, through the configured map; unknown values give nothing. */
export function rolesFromClaim(claim: unknown, map: ReadonlyMap<string, readonly ApiRole[]>): ApiRole[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  const roles = new Set<ApiRole>();
  for (const value of values) if (typeof value === 'string') for (const role of map.get(value) ?? []) roles.add(role);
  return API_ROLES.filter((role) => roles.has(role));
}
