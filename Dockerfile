# syntax=docker/dockerfile:1
# Vigil: one image for every role; VIGIL_ROLE (api | worker | all) picks what a container runs.

# Compile the TypeScript once (npm run build → dist/, with the migrations and packs beside it)
# and build the console (React, by Vite; npm ci's prepare step) into dist/console/dist.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime dependencies only: the service runs compiled JavaScript, tsx and Vite are build tools.
# No scripts: there is nothing to build here.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX: two malloc arenas instead of up to 8 per core, for Node's and ClickHouse's
# threads alike; glibc reads it at start only (docs/perf/README.md#memory).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Code and dependencies stay root-owned and read-only to the service (the node user, uid 1000,
# shipped with the base image).
USER node
EXPOSE 8080
# Liveness only (/readyz is for load balancers). node:20-slim has no curl, so Node's fetch does it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: npm does not pass SIGTERM on, and `docker stop` would kill Vigil without
# its graceful close (flush aggregates, release leases). The heap flags and MALLOC_ARENA_MAX are
# package.json's start script's: V8 sizes the heap for the machine otherwise (docs/perf/README.md#memory).
CMD ["node", "--enable-source-maps", "--max-old-space-size=1024", "--max-semi-space-size=4", "dist/bin/vigil.js"]
