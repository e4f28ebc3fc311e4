export { hashPassword, verifyPassword } from './passwords.js';
export { LocalDirectory } from './localUsers.js';
export { OidcSignIn, SignInError } from './oidc.js';
export { identityRoutes, type IdentityRouteDeps } from './routes.js';
export { RedisSessionStore } from './sessionStore.js';
export { registerSessions, type SessionAuth, type SessionOptions } from './sessions.js';
export type { SessionUser } from './sessionUser.js';
export { rolesFromClaim, type LocalUser } from './settings.js';
