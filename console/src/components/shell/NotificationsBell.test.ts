/**
 * The bell against a fake API: the unread count it shows comes from the API and follows the live
 * stream without a reload; mark-as-read goes to the API and lowers the count; a dropped stream says
 * it is reconnecting, and stops saying so once the stream is back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent, h } from 'vue';
import NotificationsBell from './NotificationsBell.vue';

interface Stream {
  push: (text: string) => void;
  drop: () => void;
}

/** An SSE body the test writes to, shaped like fetch's (what useLiveEvents reads). */
function sseResponse(signal?: AbortSignal | null): { res: unknown; stream: Stream } {
  const chunks: (string | Error | null)[] = [];
  let wake: (() => void) | null = null;
  const enc = new TextEncoder();
  const reader = {
    async read(): Promise<{ done: boolean; value?: Uint8Array }> {
      while (chunks.length === 0) await new Promise<void>((r) => (wake = r));
      const next = chunks.shift()!;
      if (next instanceof Error) throw next;
      return next === null ? { done: true } : { done: false, value: enc.encode(next) };
    },
  };
  const put = (c: string | Error | null) => {
    chunks.push(c);
    wake?.();
    wake = null;
  };
  // As fetch does: aborting the request fails the read in progress.
  signal?.addEventListener('abort', () => put(new DOMException('aborted', 'AbortError')));
  return { res: { ok: true, status: 200, body: { getReader: () => reader } }, stream: { push: (t) => put(t), drop: () => put(null) } };
}

const json = (body: unknown, status = 200) => ({ ok: status < 400, status, json: async () => body });

const NOTES = [
  { id: '00000000-0000-4000-8000-000000000001', kind: 'approval.requested', payload: { campaignId: '10000000-0000-4000-8000-000000000001', campaignName: 'Winter sale' }, readAt: null, createdAt: new Date().toISOString() },
  { id: '00000000-0000-4000-8000-000000000002', kind: 'campaign.completed', payload: { campaignId: '10000000-0000-4000-8000-000000000002', campaignName: 'Spring launch', counts: { sent: 1200, failed: 3 } }, readAt: null, createdAt: new Date().toISOString() },
];

// Vuetify's menus read the visual viewport, which happy-dom does not have.
globalThis.visualViewport ??= Object.assign(new EventTarget(), { width: 1024, height: 768, offsetLeft: 0, offsetTop: 0, pageLeft: 0, pageTop: 0, scale: 1, onresize: null, onscroll: null, onscrollend: null }) as unknown as VisualViewport;

describe('NotificationsBell', () => {
  let serverUnread: number;
  let streams: Stream[];
  let calls: { method: string; url: string }[];
  let wrapper: VueWrapper | undefined;

  beforeEach(() => {
    serverUnread = 2;
    streams = [];
    calls = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const url = String(input);
        const method = init.method ?? 'GET';
        calls.push({ method, url });
        if (url === '/api/events') {
          const { res, stream } = sseResponse(init.signal);
          streams.push(stream);
          return res;
        }
        if (url === '/api/notifications/unread-count') return json({ unread: serverUnread });
        if (url.startsWith('/api/notifications?')) return json({ items: NOTES, page: 1, pageSize: 10, total: NOTES.length });
        const read = url.match(/^\/api\/notifications\/([0-9a-f-]+)\/read$/);
        if (read && method === 'POST') {
          serverUnread -= 1;
          return json({ ...NOTES.find((n) => n.id === read[1])!, readAt: new Date().toISOString() });
        }
        return json({ error: { code: 'not_found', message: `no route for ${method} ${url}` } }, 404);
      }),
    );
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  async function mountBell() {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: defineComponent({ render: () => h('p', 'home') }) },
        { path: '/campaigns/:id', name: 'campaign', component: defineComponent({ render: () => h('p', 'campaign') }) },
      ],
    });
    await router.push('/');
    const App = defineComponent({ render: () => h('div', { class: 'v-application' }, [h(NotificationsBell)]) });
    wrapper = mount(App, { attachTo: document.body, global: { plugins: [router] } });
    await flushPromises();
    return router;
  }

  const bell = () => wrapper!.get('[data-testid="bell"]');
  const event = (type: string, id: number, data: Record<string, unknown>) => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

  it('shows the unread count from the API and raises it live when a notification arrives on the stream', async () => {
    await mountBell();
    expect(bell().attributes('aria-label')).toBe('Notifications, 2 unread');
    expect(wrapper!.get('[data-testid="unread-count"]').text()).toContain('2');
    expect(streams).toHaveLength(1);

    // Another process creates a notification for me: the API now counts 3, and the stream says so.
    serverUnread = 3;
    streams[0]!.push(event('notification.created', 41, { id: 'x', kind: 'campaign.approved', campaignName: 'Winter sale' }));
    await vi.waitFor(() => expect(bell().attributes('aria-label')).toBe('Notifications, 3 unread'));
    expect(wrapper!.get('[data-testid="unread-count"]').text()).toContain('3');

    // Other live events leave the count alone (no extra count request).
    const countCalls = calls.filter((c) => c.url.endsWith('/unread-count')).length;
    streams[0]!.push(event('campaign.status_changed', 42, { campaignId: 'y', status: 'sending' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.filter((c) => c.url.endsWith('/unread-count')).length).toBe(countCalls);
  });

  it('lists notifications in words, marks one read through the API and links to its campaign', async () => {
    const router = await mountBell();
    await bell().trigger('click');
    await flushPromises();
    const panel = document.body.querySelector('[aria-label="Latest notifications"]') as HTMLElement;
    expect(panel.textContent).toContain('“Winter sale” waits for your approval');
    expect(panel.textContent).toContain('“Spring launch” completed: 1,200 sent, 3 failed');

    const markOne = document.body.querySelector('[aria-label="Mark read: “Spring launch” completed: 1,200 sent, 3 failed"]') as HTMLElement;
    markOne.click();
    await flushPromises();
    expect(calls).toContainEqual({ method: 'POST', url: `/api/notifications/${NOTES[1]!.id}/read` });
    expect(bell().attributes('aria-label')).toBe('Notifications, 1 unread');

    const first = [...document.body.querySelectorAll('.v-list-item')].find((el) => el.textContent?.includes('Winter sale')) as HTMLElement;
    first.click();
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/campaigns/${NOTES[0]!.payload.campaignId}`));
    expect(calls).toContainEqual({ method: 'POST', url: `/api/notifications/${NOTES[0]!.id}/read` });
  });

  it('says it is reconnecting while the stream is down, and stops once it is back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await mountBell();
    await vi.advanceTimersByTimeAsync(2500);
    expect(wrapper!.find('[data-testid="reconnecting"]').exists()).toBe(false);

    streams[0]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(wrapper!.find('[data-testid="reconnecting"]').exists()).toBe(false); // a blip says nothing
    // The first retry comes after 1 s; make it fail so the drop lasts.
    vi.mocked(fetch).mockImplementationOnce(async () => {
      throw new TypeError('network down');
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(wrapper!.get('[data-testid="reconnecting"]').text()).toContain('Reconnecting');

    // The next retry (2 s later) succeeds: the notice goes and the count is read again.
    serverUnread = 5;
    await vi.advanceTimersByTimeAsync(2100);
    expect(streams).toHaveLength(2);
    expect(wrapper!.find('[data-testid="reconnecting"]').exists()).toBe(false);
    expect(bell().attributes('aria-label')).toBe('Notifications, 5 unread');
  });
});
