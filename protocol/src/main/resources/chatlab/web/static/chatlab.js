/**
 * chatlab's browser client library. Plain JavaScript modules, no build step, no dependencies.
 *
 *   import { openChat } from '/static/chatlab.js';
 *   const chat = openChat({ room: 'lobby', name: 'alice', transport: 'auto' });
 *   chat.on('message', ({ message, mine }) => ...);
 *   chat.on('state', ({ state, transport }) => ...);
 *   chat.say('hello');
 *
 * Layers, each in its own file:
 * - transport.js: the transport interface (read it first), and the HTTP helpers;
 *   transports/: its four implementations (WebSocket, SSE + POST, long and short polling);
 * - chat-client.js: ChatClient, which makes any transport a chat that survives (fallback,
 *   heartbeats, reconnection with backoff, resume without loss, exactly-once sending);
 * - shared-worker.js: one ChatClient shared by every tab of the browser;
 * - this file: openChat(), which picks shared or not, and watchStats() for the /stats panel.
 */
import { ChatClient } from './chat-client.js';
import { AUTO_ORDER, TRANSPORTS } from './transports/index.js';

export { ChatClient, TRANSPORTS, AUTO_ORDER };
export { backoffDelay } from './chat-client.js';

/** What the page's picker offers. */
export const TRANSPORT_CHOICES = ['auto', ...AUTO_ORDER];

/**
 * A chat for this tab. With `shared` (the default) and a browser that has SharedWorker, every tab
 * with the same room, name and transport uses one connection, held by a shared worker; otherwise
 * the tab has its own. Both kinds have the same methods and events as ChatClient, plus the event
 * 'sharing' {shared, tabs, why}.
 */
export function openChat({ room, name, transport = 'auto', shared = true }) {
  const options = { room, name, transport };
  if (shared && typeof SharedWorker === 'function') {
    try {
      return new SharedChat(options);
    } catch (error) {
      return new TabChat(options, `this tab only (shared worker failed: ${error.message})`);
    }
  }
  return new TabChat(options, shared ? 'this tab only (this browser has no SharedWorker)' : 'this tab only (sharing turned off)');
}

/** Small event emitter with ChatClient's on(). */
class Events {
  #listeners = new Map();

  on(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.#listeners.get(type).delete(listener);
  }

  emit(type, detail) {
    for (const listener of this.#listeners.get(type) ?? []) listener(detail);
  }
}

/** A ChatClient of this tab's own. */
class TabChat extends Events {
  #client;
  #why;

  #onPageHide = () => this.close();

  constructor(options, why) {
    super();
    this.#why = why;
    this.#client = new ChatClient(options);
    // An HTTP session outlives the tab: leave now rather than when the session expires.
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    for (const type of ['state', 'message', 'members', 'presence', 'outbox', 'notice']) {
      this.#client.on(type, (detail) => this.emit(type, detail));
    }
    // Listeners are added after this constructor returns: tell them how things stand then.
    queueMicrotask(() => {
      const { state, members, outbox } = this.#client.snapshot();
      this.emit('sharing', { shared: false, tabs: 1, why: this.#why });
      this.emit('state', state);
      this.emit('members', members);
      this.emit('outbox', outbox);
    });
  }

  say(text) {
    this.#client.say(text);
  }

  close() {
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.#client.close();
  }
}

/** The tab's side of shared-worker.js; a client of the tab's own if the worker cannot start. */
class SharedChat extends Events {
  #port;
  #tabId = crypto.randomUUID?.() ?? String(Math.random()).slice(2);
  #onPageHide = () => this.close();
  #heard = false;
  #own = null;

  constructor(options) {
    super();
    const worker = new SharedWorker(new URL('./shared-worker.js', import.meta.url), { type: 'module', name: 'chatlab' });
    this.#port = worker.port;
    this.#port.onmessage = ({ data }) => {
      this.#heard = true;
      this.#receive(data);
    };
    worker.onerror = () => {
      if (this.#heard || this.#own) return;
      globalThis.removeEventListener('pagehide', this.#onPageHide);
      this.#own = new TabChat(options, 'this tab only (the shared worker failed to start)');
      for (const type of ['sharing', 'state', 'message', 'members', 'presence', 'outbox', 'notice']) {
        this.#own.on(type, (detail) => this.emit(type, detail));
      }
    };
    this.#port.start();
    globalThis.addEventListener('pagehide', this.#onPageHide);
    // Hold a lock for as long as this tab lives, so that the worker learns when it dies.
    const open = () => this.#port.postMessage({ op: 'open', options, tabId: this.#tabId });
    if (globalThis.navigator.locks) {
      globalThis.navigator.locks.request(`chatlab-tab-${this.#tabId}`, () => {
        open();
        return new Promise(() => {}); // never released while the tab lives
      });
    } else {
      open();
    }
  }

  say(text) {
    if (this.#own) this.#own.say(text);
    else this.#port.postMessage({ op: 'say', text });
  }

  close() {
    globalThis.removeEventListener('pagehide', this.#onPageHide);
    if (this.#own) this.#own.close();
    else this.#port.postMessage({ op: 'close' });
  }

  #receive({ event, detail }) {
    if (event !== 'snapshot') {
      this.emit(event, detail);
      return;
    }
    this.emit('state', detail.state);
    this.emit('members', detail.members);
    for (const { event: type, detail: recent } of detail.recent) this.emit(type, recent);
    this.emit('outbox', detail.outbox);
  }
}

/**
 * Polls GET /stats every intervalMs while the page is visible and calls onStats with the
 * snapshot plus the message rates since the previous one ({...stats, inPerSecond, outPerSecond}),
 * or with {error} when the server does not answer. Returns a function that stops it.
 */
export function watchStats(onStats, intervalMs = 2000) {
  let previous = null;
  let stopped = false;
  let timer = null;
  const poll = async () => {
    if (stopped) return;
    if (globalThis.document?.visibilityState !== 'hidden') {
      try {
        const response = await fetch('/stats', { cache: 'no-store' });
        if (!response.ok) throw new Error(`GET /stats answered ${response.status}`);
        const stats = await response.json();
        const at = performance.now();
        const seconds = previous ? (at - previous.at) / 1000 : 0;
        const rate = (field) => (seconds > 0 ? Math.max(0, (stats[field] - previous.stats[field]) / seconds) : null);
        onStats({ ...stats, inPerSecond: rate('messagesIn'), outPerSecond: rate('messagesOut') });
        previous = { stats, at };
      } catch (error) {
        previous = null;
        onStats({ error: error.message });
      }
    }
    if (!stopped) timer = setTimeout(poll, intervalMs);
  };
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
