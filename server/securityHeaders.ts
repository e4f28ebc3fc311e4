import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Browser-facing protections (helmet) on every answer: a content security policy that lets pages
 * load only this origin's scripts and connect only to this origin (the console and /docs are
 * served from here and need nothing else), no framing (clickjacking), no MIME sniffing, no
 * referrer beyond the origin. Inline styles stay allowed: the charts position their tooltips with
 * them; inline scripts do not.
 */
export async function consoleSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // An https-only policy is the TLS proxy's to send; Vigil itself speaks plain http behind it.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
