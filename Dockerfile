# syntax=docker/dockerfile:1
# Vigil: one image for every role; VIGIL_ROLE (api | worker | all) picks what a container runs.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only (tsx is one: the service runs its TypeScript directly). No scripts:
# the console is built in its own stage, with the dev dependencies it needs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The console (React, built by Vite) is static files served by Vigil at /console/.
FROM node:20-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console ./console
COPY scripts/buildConsole.mjs ./scripts/
RUN node scripts/buildConsole.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root . .
COPY --from=console --chown=root:root /app/console/dist ./console/dist
# Source and dependencies stay root-owned and read-only to the service; the node user (uid 1000,
# shipped with the base image) only needs /tmp for tsx's cache.
USER node
EXPOSE 8080
# Liveness only (/readyz is for load balancers). node:20-slim has no curl, so Node's fetch does it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Same as `npx tsx bin/vigil.ts`, but as one process: npx does not pass SIGTERM on to tsx, so
# `docker stop` would kill Vigil without its graceful close (flush aggregates, release leases).
CMD ["node", "--import", "tsx", "bin/vigil.ts"]
