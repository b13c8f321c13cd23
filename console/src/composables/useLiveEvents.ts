/**
 * The API's live event stream (GET /api/events, Server-Sent Events read through fetch so the access
 * token travels in a header). Reconnects by itself with `Last-Event-ID`, so nothing is missed;
 * `connected` is false while it is reconnecting, for the view to say so.
 *
 * One stream per tab, shared by every component that listens (the shell's bell and the page under
 * it): it opens with the first listener and closes with the last, so a page never costs a second
 * connection (browsers allow six per origin over HTTP/1.1).
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { authedFetch } from '../api/session.ts';

export interface LiveEvent {
  id?: string;
  type: string;
  data: Record<string, unknown>;
}

type Listener = (e: LiveEvent) => void;

const listeners = new Set<Listener>();
const connected = ref(false);
let running: Promise<void> | null = null;
let ctrl: AbortController | undefined;
let lastId: string | undefined;

function dispatch(e: LiveEvent) {
  for (const l of [...listeners]) {
    try {
      l(e);
    } catch (err) {
      console.warn('a live event listener failed', err);
    }
  }
}

async function run() {
  let delay = 1000;
  while (listeners.size > 0) {
    ctrl = new AbortController();
    try {
      const res = await authedFetch('/api/events', { headers: lastId ? { 'last-event-id': lastId } : {}, signal: ctrl.signal });
      if (!res.ok || !res.body) throw new Error(`status ${res.status}`);
      connected.value = true;
      delay = 1000;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const e: Partial<LiveEvent> = {};
          for (const line of chunk.split('\n')) {
            if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.type = line.slice(7);
            else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
          }
          if (e.id) lastId = e.id;
          if (e.type && e.data) dispatch(e as LiveEvent);
        }
      }
    } catch {
      /* dropped or refused: try again below */
    }
    connected.value = false;
    if (listeners.size === 0) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 15_000);
  }
  running = null;
}

export function useLiveEvents(onEvent: Listener) {
  onMounted(() => {
    listeners.add(onEvent);
    running ??= run();
  });
  onBeforeUnmount(() => {
    listeners.delete(onEvent);
    if (listeners.size === 0) {
      ctrl?.abort();
      // A later session (another user after sign-out) must not replay this one's events.
      lastId = undefined;
    }
  });
  return { connected };
}
