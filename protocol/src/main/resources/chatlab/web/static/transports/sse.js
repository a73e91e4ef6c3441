import { endpoint, openSession, parseMessage, Sender } from '../transport.js';

/** How long the browser may try to resume a broken event stream by itself before we give up on it. */
const STREAM_RESUME_WINDOW_MS = 10_000;

/**
 * Server-sent events + POST: a session (POST /session), its messages as an event stream
 * (GET /events, read by the browser's EventSource), and what we say as POST /send.
 *
 * Every event carries the session's message number as its id. When the stream breaks while the
 * session lives on, EventSource reconnects by itself and sends the last id it saw as
 * Last-Event-ID, so the server resumes exactly after it: nothing lost, nothing twice. If that does
 * not work within STREAM_RESUME_WINDOW_MS, or the server no longer knows the session (a restart),
 * the connection is reported lost and the client starts a new one.
 *
 * The server's heartbeat comments (every 15 s) keep proxies from closing the stream, but
 * EventSource does not show comments to scripts: the client's heartbeat is what notices a stream
 * that went quiet.
 */
export class SseTransport {
  name = 'sse';
  onmessage = () => {};
  onclose = () => {};
  #base;
  #source = null;
  #sender = null;
  #ended = false;
  #resumeTimer = null;

  constructor(base) {
    this.#base = base;
  }

  async connect() {
    const sid = await openSession(this.#base);
    this.#sender = new Sender(this.#base, sid);
    if (this.#ended) throw new Error('closed');
    await new Promise((resolve, reject) => {
      const source = new EventSource(endpoint(this.#base, '/events', { sid }));
      this.#source = source;
      let open = false;
      source.onopen = () => {
        clearTimeout(this.#resumeTimer);
        this.#resumeTimer = null;
        if (!open) {
          open = true;
          resolve();
        }
      };
      source.onmessage = (event) => {
        const message = parseMessage(event.data);
        if (message) this.onmessage(message);
      };
      source.onerror = () => {
        if (!open) {
          source.close();
          reject(new Error('GET /events refused'));
        } else if (source.readyState === EventSource.CLOSED) {
          this.#lost('event stream refused on resume (session gone: server restarted or session expired)');
        } else if (this.#resumeTimer === null) {
          // CONNECTING: the browser is resuming the stream with Last-Event-ID; give it a while.
          this.#resumeTimer = setTimeout(() => {
            if (source.readyState !== EventSource.OPEN) this.#lost('event stream broken and not resumed');
            this.#resumeTimer = null;
          }, STREAM_RESUME_WINDOW_MS);
        }
      };
    });
  }

  send(messages) {
    return this.#sender ? this.#sender.send(messages) : Promise.reject(new Error('no session'));
  }

  close() {
    this.#ended = true;
    clearTimeout(this.#resumeTimer);
    this.#source?.close();
  }

  #lost(reason) {
    if (this.#ended) return;
    this.close();
    this.onclose(reason);
  }
}
