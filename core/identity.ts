import type { ApiIdentity } from '../config/index.js';
import { UnauthorizedError } from './errors.js';

export type { ApiIdentity };

/**
 * The actor an audit record names: `<role>:<name>` of the API key the server verified. A name the
 * client asserts (the old X-Vigil-Actor header) is never used: a risk key could call itself
 * "admin:chief-risk-officer". Until people sign in (issue 10), one key per person or system is
 * what makes the trail mean something.
 */
export function auditActor(identity: ApiIdentity | undefined): string {
  // Only reachable on a route without roles, which a change must never be.
  if (!identity) throw new UnauthorizedError('this change needs an API key; send Authorization: Bearer <key>');
  return `${identity.role}:${identity.name}`;
}
