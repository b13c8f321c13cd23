/** zod extended with `.openapi()`: import `z` from here (or from openapi.ts) in API schemas. */
export { z } from '@hono/zod-openapi';
