/**
 * Routes. Pages are lazy-loaded so the shell stays small. `meta.nav` puts a route in the navigation
 * drawer (only for roles with its permission), so the drawer never lists a page that does not exist
 * or that the user may not use. Routes are signed-in only unless `meta.public`.
 */
import { createRouter, createWebHistory } from 'vue-router';
import { mdiAccountGroupOutline, mdiAccountKeyOutline, mdiBullhornOutline, mdiCalendarMonthOutline, mdiCashMultiple, mdiChartBoxOutline, mdiCheckDecagramOutline, mdiCogOutline, mdiFileDocumentOutline, mdiFilterVariant, mdiHeartPulse, mdiHomeOutline, mdiPulse } from '@mdi/js';
import { refresh, session, signedIn, type Permission } from '../api/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Shown in the navigation drawer with this icon when set (and the user has `permission`). */
    nav?: { icon: string; permission?: Permission };
    /** Reachable without signing in. */
    public?: boolean;
    /** No application shell (the sign-in page). */
    bare?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  // A link to a part of a page (#history-title) scrolls to it once the page has drawn it.
  scrollBehavior(to, _from, saved) {
    if (saved) return saved;
    if (to.hash) return new Promise((resolve) => setTimeout(() => resolve(document.querySelector(to.hash) ? { el: to.hash, top: 72 } : { top: 0 }), 500));
    return { top: 0 };
  },
  routes: [
    { path: '/', name: 'home', component: () => import('../pages/HomePage.vue'), meta: { title: 'Home', nav: { icon: mdiHomeOutline, permission: 'read' } } },
    { path: '/sign-in', name: 'sign-in', component: () => import('../pages/SignInPage.vue'), meta: { title: 'Sign in', public: true, bare: true } },
    { path: '/campaigns', name: 'campaigns', component: () => import('../pages/CampaignsPage.vue'), meta: { title: 'Campaigns', nav: { icon: mdiBullhornOutline, permission: 'read' } } },
    { path: '/campaigns/new', name: 'campaign-new', component: () => import('../pages/CampaignWizardPage.vue'), meta: { title: 'New campaign' } },
    { path: '/campaigns/:id([0-9a-f-]{36})', name: 'campaign', component: () => import('../pages/CampaignDetailPage.vue'), meta: { title: 'Campaign' } },
    { path: '/campaigns/:id([0-9a-f-]{36})/edit', name: 'campaign-edit', component: () => import('../pages/CampaignWizardPage.vue'), meta: { title: 'Edit campaign' } },
    { path: '/calendar', name: 'calendar', component: () => import('../pages/CalendarPage.vue'), meta: { title: 'Calendar', nav: { icon: mdiCalendarMonthOutline, permission: 'read' } } },
    { path: '/segments', name: 'segments', component: () => import('../pages/SegmentsPage.vue'), meta: { title: 'Segments', nav: { icon: mdiFilterVariant, permission: 'read' } } },
    { path: '/contacts', name: 'contacts', component: () => import('../pages/ContactsPage.vue'), meta: { title: 'Contacts', nav: { icon: mdiAccountGroupOutline, permission: 'read' } } },
    { path: '/templates', name: 'templates', component: () => import('../pages/TemplatesPage.vue'), meta: { title: 'Templates', nav: { icon: mdiFileDocumentOutline, permission: 'read' } } },
    { path: '/budgets', name: 'budgets', component: () => import('../pages/BudgetsPage.vue'), meta: { title: 'Budgets', nav: { icon: mdiCashMultiple, permission: 'read' } } },
    { path: '/analytics', name: 'analytics', component: () => import('../pages/analytics/AnalyticsDashboardPage.vue'), meta: { title: 'Analytics', nav: { icon: mdiChartBoxOutline, permission: 'analytics:read' } } },
    { path: '/analytics/campaigns', name: 'analytics-campaigns', component: () => import('../pages/analytics/AnalyticsCampaignsPage.vue'), meta: { title: 'Campaign performance' } },
    { path: '/analytics/channels', name: 'analytics-channels', component: () => import('../pages/analytics/AnalyticsChannelsPage.vue'), meta: { title: 'Channel analytics' } },
    { path: '/analytics/leaderboards', name: 'analytics-leaderboards', component: () => import('../pages/analytics/AnalyticsLeaderboardsPage.vue'), meta: { title: 'Leaderboards' } },
    { path: '/analytics/compare', name: 'analytics-compare', component: () => import('../pages/analytics/AnalyticsComparePage.vue'), meta: { title: 'Compare campaigns' } },
    { path: '/analytics/campaigns/:id([0-9a-f-]{36})', name: 'analytics-campaign', component: () => import('../pages/analytics/CampaignPerformancePage.vue'), meta: { title: 'Campaign analytics' } },
    { path: '/approvals', name: 'approvals', component: () => import('../pages/ApprovalsPage.vue'), meta: { title: 'Approvals', nav: { icon: mdiCheckDecagramOutline, permission: 'approve' } } },
    { path: '/ops', name: 'ops', component: () => import('../pages/OpsPage.vue'), meta: { title: 'Ops', nav: { icon: mdiPulse, permission: 'workflow:read' } } },
    { path: '/users', name: 'users', component: () => import('../pages/UsersPage.vue'), meta: { title: 'Users and roles', nav: { icon: mdiAccountKeyOutline, permission: 'admin' } } },
    { path: '/settings', name: 'settings', component: () => import('../pages/SettingsPage.vue'), meta: { title: 'Company settings', nav: { icon: mdiCogOutline, permission: 'admin' } } },
    { path: '/system', name: 'system', component: () => import('../pages/SystemPage.vue'), meta: { title: 'System', nav: { icon: mdiHeartPulse }, public: true } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/NotFoundPage.vue'), meta: { title: 'Page not found', public: true } },
  ],
});

router.beforeEach(async (to) => {
  // A reload keeps no token in memory: the refresh cookie restores the session once.
  if (!session.restored) await refresh();
  if (to.meta.public || signedIn.value) return true;
  return { name: 'sign-in', query: { next: to.fullPath } };
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Herald` : 'Herald';
});
