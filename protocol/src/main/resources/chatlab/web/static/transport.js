/**
 * The transport interface: how chat messages travel between this client and the server.
 *
 * A transport moves PROTOCOL.md's JSON messages over one kind of connection and nothing more.
 * It knows nothing of rooms, retries, resume or duplicates: the ChatClient (chat-client.js) does
 * all of that the same way over every transport, which is why a new transport is small.
 *
 * A transport object serves one connection. The client creates it with `new SomeTransport(base)`
 * (base: the server's http(s) URL) and uses exactly this:
 *
 *   name                      a short word shown on the page: 'websocket', 'sse', ...
 *   connect() -> Promise      opens the connection. Resolves once send() may be called; rejects
 *                             with an Error that says why when it cannot open. Called once.
 *   send(messages) -> Promise sends an array of client messages, in order, after everything sent
 *                             before. Resolves once they are handed over (that is not an
 *                             acknowledgement: the server's echo is); rejects when they may not
 *                             have arrived.
 *   close()                   ends the connection at once. No callback fires after it.
 *   onmessage = (message) => {}   set by the client: every server message (a parsed JSON
 *                                 object), in the server's order.
 *   onclose = (reason) => {}      set by the client: the open connection was lost, with a
 *                                 reason to show. At most once, never after close().
 *
 * What a transport must guarantee: messages arrive in the order the server sent them, with none
 * skipped inside one connection (an HTTP transport that resumes its own stream, as SSE does with
 * Last-Event-ID, must resume exactly where it stopped); a connection that goes quiet for good is
 * reported through onclose or by send() failing. Everything else (liveness, reconnecting, resending
 * and dropping duplicates) is the client's job.
 */

/** How long a request that should answer at once may take before the server counts as gone. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** A server message as an object, or null for anything that is not one (PROTOCOL.md: one JSON object each). */
export function parseMessage(text) {
  try {
    const message = JSON.parse(text);
    return message !== null && typeof message === 'object' && !Array.isArray(message) ? message : null;
  } catch {
    return null;
  }
}

/** The URL of a server endpoint, from the server's base URL. */
export function endpoint(base, path, params = {}) {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url;
}

/** fetch() that gives up after timeoutMs (or when `cancel` aborts), and says so in its error. */
export async function fetchWithin(url, init, timeoutMs, cancel = null) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const stop = () => abort.abort();
  cancel?.addEventListener('abort', stop);
  try {
    return await fetch(url, { ...init, signal: abort.signal, cache: 'no-store' });
  } catch (error) {
    throw new Error(abort.signal.aborted ? `no answer from ${url.pathname} within ${timeoutMs / 1000} s`
                                         : `${url.pathname} unreachable (${error.message})`);
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', stop);
  }
}

/** POST /session: a new session of the HTTP transports. Resolves to its sid. */
export async function openSession(base) {
  const response = await fetchWithin(endpoint(base, '/session'), { method: 'POST' }, REQUEST_TIMEOUT_MS);
  if (!response.ok) throw new Error(`POST /session answered ${response.status}`);
  const body = await response.json();
  if (typeof body.sid !== 'string') throw new Error('POST /session answered without a sid');
  return body.sid;
}

/**
 * POST /send for one session, one request at a time: two requests in flight could reach the
 * server in either order, so what is sent meanwhile waits and goes in the next request, as one
 * JSON array, in order.
 */
export class Sender {
  #url;
  #waiting = [];
  #busy = false;

  constructor(base, sid) {
    this.#url = endpoint(base, '/send', { sid });
  }

  send(messages) {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ messages, resolve, reject });
      this.#pump();
    });
  }

  async #pump() {
    if (this.#busy) return;
    this.#busy = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      try {
        const body = JSON.stringify(batch.flatMap((item) => item.messages));
        // keepalive lets the last messages (a leave as the tab closes) go out while the page
        // unloads; browsers allow it for small bodies only (64 KiB in flight).
        const response = await fetchWithin(this.#url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          keepalive: body.length < 16_000,
        }, REQUEST_TIMEOUT_MS);
        if (!response.ok) throw new Error(`POST /send answered ${response.status}`);
        batch.forEach((item) => item.resolve());
      } catch (error) {
        // Later messages must not overtake these: fail everything waiting too.
        for (const item of batch.concat(this.#waiting.splice(0))) item.reject(error);
      }
    }
    this.#busy = false;
  }
}
