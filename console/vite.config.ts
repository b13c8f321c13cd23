import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import vuetify from 'vite-plugin-vuetify';

const root = fileURLToPath(new URL('.', import.meta.url));
// The API started by `npm run api` / `npm start`; the dev server forwards to it so the console
// talks to the same origin in development as in production (where the API serves console/dist).
const api = process.env.HERALD_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  publicDir: 'public',
  // vuetify() must follow vue(): it reads the compiled templates to auto-import only what is used.
  plugins: [vue(), vuetify({ autoImport: true })],
  // Vuetify's components are imported by the plugin as templates compile, after Vite's dependency
  // scan; pre-bundling them would make the dev server re-optimise and reload on first visit.
  optimizeDeps: { exclude: ['vuetify'], entries: ['src/**/*.vue'] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/readyz': api,
    },
  },
});
