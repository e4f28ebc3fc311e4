import fastifyCookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedisSessionStore } from './sessionStore.js';
import type { SessionUser } from './sessionUser.js';

export interface SessionOptions {
  secret: string;
  ttlMinutes: number;
  /** Cookies only over https; a session cookie is not even set on a plain-http request then. */
  secure: boolean;
  store: RedisSessionStore;
}

/** What the authentication hook needs of sessions (server/auth.ts). */
export interface SessionAuth {
  /** The user signed in on this request's session, unless the session is past its lifetime. */
  userOf(request: FastifyRequest): SessionUser | undefined;
  /** Rejects (403) a state-changing request whose X-CSRF-Token does not match the session's secret. */
  verifyCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/**
 * Cookie sessions for people using the console: an httpOnly, SameSite=Lax cookie holding a signed
 * random id (the `__Host-` name when secure: bound to this origin, path / and https), the session
 * itself in Redis, an absolute lifetime, and a CSRF token for every state-changing request.
 * SameSite=Lax rather than Strict: the identity provider's redirect back is a cross-site navigation
 * and must carry the cookie holding the sign-in's state.
 */
export async function registerSessions(app: FastifyInstance, opts: SessionOptions): Promise<SessionAuth> {
  const ttlMs = opts.ttlMinutes * 60_000;
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: opts.secret,
    cookieName: opts.secure ? '__Host-vigil_session' : 'vigil_session',
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secure, path: '/', maxAge: ttlMs },
    saveUninitialized: false,
    rolling: false,
    store: opts.store,
  });
  await app.register(csrfProtection, { sessionPlugin: '@fastify/session' });

  return {
    userOf(request) {
      const user = request.session?.user;
      if (!user) return undefined;
      return Date.now() - user.signedInAt < ttlMs ? user : undefined;
    },
    verifyCsrf(request, reply) {
      return new Promise<void>((resolve, reject) => {
        app.csrfProtection.call(app, request, reply, (err?: Error) => (err ? reject(err) : resolve()));
      });
    },
  };
}
