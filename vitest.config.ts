import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import vuetify from 'vite-plugin-vuetify';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{domain,channels,api,activities,config,db,workflows,scripts}/**/*.test.ts'],
        },
      },
      {
        // The console's components in a simulated DOM, compiled as the console build compiles them.
        extends: true,
        plugins: [vue(), vuetify({ autoImport: true })],
        test: {
          name: 'console',
          include: ['console/src/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['console/src/test-setup.ts'],
          server: { deps: { inline: ['vuetify'] } },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          setupFiles: ['test/setup/per-file.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
