import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built console (Vite's output) at /console/, same origin as the API it calls. Hashed
 * assets are cached for a year; index.html never, so a new build is picked up on reload. Every
 * other path under /console/ is a page of the single-page app and gets index.html.
 */
export async function consoleStatic(app: FastifyInstance, opts: { root: string }): Promise<void> {
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301));
  if (!existsSync(`${opts.root}/index.html`)) {
    app.get('/console/*', { schema: { hide: true } }, async (_request, reply) => reply.status(503).type('text/plain')
      .send('The console has not been built. npm ci builds it (the prepare script); or run npm run build:console.\n'));
    return;
  }
  await app.register(fastifyStatic, {
    root: opts.root,
    prefix: '/console/',
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      res.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = async (_request: unknown, reply: { header(k: string, v: string): unknown; sendFile(name: string): unknown }) => {
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html');
  };
  app.get('/console/', { schema: { hide: true } }, page as never);
  app.get('/console/*', { schema: { hide: true } }, page as never);
}
