/**
 * The OpenAPI document's header and the interactive documentation page, served from the
 * swagger-ui-dist package (no CDN: it works with no internet). Signing in through the page's
 * "POST /api/auth/login" authorises every later call on the page.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Herald API',
    version: process.env.npm_package_version ?? '0.1.0',
    description: [
      'Herald runs marketing campaigns as durable Temporal workflows. Every route below is what the console uses.',
      '',
      '**Start here:** open `POST /api/auth/login`, press *Try it out* and sign in — with `npm start`’s demo data use',
      '`manager@acme.example` / `herald-demo` (also `approver@`, `analyst@`, `ops@`, `viewer@`, `admin@`). The page keeps',
      'the access token for every later call. Then: `POST /api/campaigns` (create) → `POST /api/campaigns/{id}/submit` →',
      'sign in as the approver → `POST /api/campaigns/{id}/approve` → watch `GET /api/campaigns/{id}` (its `state.counts`),',
      '`POST …/pause`, `POST …/resume`.',
      '',
      'Errors always have the shape `{ "error": { "code", "message", "details" } }`; validation errors list each field in',
      '`details.issues`. Each operation names the permission it needs in `x-permission`.',
    ].join('\n'),
  },
  servers: [{ url: '/api' }],
};

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Herald API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><main id="docs"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  persistAuthorization: true,
  withCredentials: true,
  responseInterceptor: function (res) {
    if (res.ok && /\\/api\\/auth\\/(login|refresh)$/.test(res.url) && res.body && res.body.accessToken) {
      window.ui.preauthorizeApiKey('bearerAuth', res.body.accessToken);
    }
    return res;
  },
});`;

export function docsRoutes() {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return new Hono()
    .get('/', (c) => c.html(PAGE))
    .get('/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/:asset', async (c) => {
      const name = c.req.param('asset');
      const type = ASSETS[name];
      if (!type) return c.notFound();
      return c.body(await readFile(join(dist, name)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    });
}
