/**
 * The typed client with an absolute base, for the few calls the console sends itself (a CSV body, a
 * binary download): `$url()` builds a URL object, which needs an origin the `/api` base lacks.
 */
import { hc } from 'hono/client';
import type { ApiType } from '../../../../api/app.ts';
import { API_BASE } from '../../api/client.ts';

export const urls = hc<ApiType>(new URL(API_BASE, window.location.origin).href);
