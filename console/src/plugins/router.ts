/**
 * Routes. Pages are lazy-loaded so the shell stays small. `meta.nav` puts a route in the navigation
 * drawer, so the drawer can only ever list pages that exist.
 */
import { createRouter, createWebHistory } from 'vue-router';
import { mdiHeartPulse } from '@mdi/js';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Shown in the navigation drawer with this icon when set. */
    nav?: { icon: string };
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', redirect: { name: 'system' } },
    {
      path: '/system',
      name: 'system',
      component: () => import('../pages/SystemPage.vue'),
      meta: { title: 'System', nav: { icon: mdiHeartPulse } },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('../pages/NotFoundPage.vue'),
      meta: { title: 'Page not found' },
    },
  ],
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Herald` : 'Herald';
});
