import { endpoint, fetchWithin, openSession, Sender } from '../transport.js';

/**
 * Polling: a session (POST /session), its messages fetched with GET /poll?after=N, and what we
 * say as POST /send. Each answer says the number of the last message it holds, which the next
 * request passes as `after`: a poll that fails can be asked again without losing or repeating
 * anything, and nothing arrives twice.
 *
 * Long polling asks the server to hold each request until something arrives (wait=W seconds);
 * short polling asks every so often and is answered at once. Either way an answer that does not
 * come within its timeout means the server is gone.
 */
class PollingTransport {
  onmessage = () => {};
  onclose = () => {};
  #base;
  #waitSeconds;
  #pauseMs;
  #timeoutMs;
  #sid = null;
  #sender = null;
  #after = 0;
  #ended = false;
  #cancel = new AbortController();

  constructor(base, name, { waitSeconds, pauseMs, timeoutMs }) {
    this.name = name;
    this.#base = base;
    this.#waitSeconds = waitSeconds;
    this.#pauseMs = pauseMs;
    this.#timeoutMs = timeoutMs;
  }

  async connect() {
    this.#sid = await openSession(this.#base);
    this.#sender = new Sender(this.#base, this.#sid);
    this.#pollLoop();
  }

  send(messages) {
    return this.#sender ? this.#sender.send(messages) : Promise.reject(new Error('no session'));
  }

  close() {
    this.#ended = true;
    this.#cancel.abort(); // a long poll in flight would otherwise hold its connection for up to 20 s
  }

  async #pollLoop() {
    while (!this.#ended) {
      let body;
      try {
        const url = endpoint(this.#base, '/poll', { sid: this.#sid, after: this.#after, wait: this.#waitSeconds });
        const response = await fetchWithin(url, {}, this.#timeoutMs, this.#cancel.signal);
        if (response.status === 404) throw new Error('session gone (server restarted or session expired)');
        if (!response.ok) throw new Error(`GET /poll answered ${response.status}`);
        body = await response.json();
      } catch (error) {
        if (!this.#ended) {
          this.#ended = true;
          this.onclose(error.message);
        }
        return;
      }
      if (this.#ended) return;
      for (const message of body.messages) this.onmessage(message);
      this.#after = body.last;
      if (this.#pauseMs > 0) await new Promise((resume) => setTimeout(resume, this.#pauseMs));
    }
  }
}

/** Long polling: each GET /poll is held by the server up to 20 s, and given up after 30 s. */
export class LongPollingTransport extends PollingTransport {
  constructor(base) {
    super(base, 'long-polling', { waitSeconds: 20, pauseMs: 0, timeoutMs: 30_000 });
  }
}

/** Short polling: a GET /poll answered at once, every second; given up after 10 s. */
export class ShortPollingTransport extends PollingTransport {
  constructor(base) {
    super(base, 'short-polling', { waitSeconds: 0, pauseMs: 1000, timeoutMs: 10_000 });
  }
}
