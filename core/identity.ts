import type { ApiIdentity, ApiRole } from '../config/index.js';
import { UnauthorizedError } from './errors.js';

export type { ApiIdentity };

/**
 * The actor an audit record names: `<role>:<name>` of the identity the server verified: the API
 * key's holder, or the user signed in to the console (their name from the identity provider or
 * the local user list, the role they acted in). A name the client asserts (the old X-Vigil-Actor
 * header) is never used: a risk key could call itself "admin:chief-risk-officer".
 */
export function auditActor(identity: ApiIdentity | undefined): string {
  // Only reachable on a route without roles, which a change must never be.
  if (!identity) throw new UnauthorizedError('this change needs an API key; send Authorization: Bearer <key>');
  return `${identity.role}:${identity.name}`;
}

/** Every role the caller holds (a key: its one role; a user: all theirs). */
export function rolesOf(identity: ApiIdentity): readonly ApiRole[] {
  return identity.roles ?? [identity.role];
}
