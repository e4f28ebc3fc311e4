import type { ApiRole } from '../config/roles.js';

/** A person signed in to the console, as their session holds them. */
export interface SessionUser {
  name: string;
  roles: ApiRole[];
  /** How they proved who they are. */
  via: 'local' | 'oidc';
  /** Epoch ms; the session ends VIGIL_SESSION_TTL_MINUTES after it, whatever the activity. */
  signedInAt: number;
}

declare module 'fastify' {
  interface Session {
    user?: SessionUser;
    /** Between the redirect to the identity provider and its callback. */
    oidc?: { state: string; nonce: string; codeVerifier: string };
  }
}
