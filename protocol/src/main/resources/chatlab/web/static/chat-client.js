import { AUTO_ORDER, TRANSPORTS } from './transports/index.js';

/**
 * ChatClient: one name in one room, over whichever transport works, for as long as it is open.
 *
 * What a real-time library (socket.io, SignalR) hides, written out:
 *
 * - Transport fallback. 'auto' tries WebSocket, then SSE, long polling and short polling, and
 *   keeps the first that connects; a named transport is used alone. Each attempt walks the list
 *   from the top again, so a server that accepts WebSocket again gets it back.
 * - Liveness. Any message from the server proves the connection alive. After HEARTBEAT_MS of
 *   silence the client sends a heartbeat the server must answer (a `join` of the room it is already
 *   in, with an `after` beyond any message: PROTOCOL.md answers it with `joined` and nothing else);
 *   after DEAD_MS without anything the connection counts as dead, whatever the transport says.
 * - Reconnection, forever, with exponential backoff and jitter (backoffDelay below).
 * - Resume without loss. The client remembers the last message it showed (its `seq`, and the
 *   message itself). On every new connection it joins with `after` = that seq - 1 (0 the first
 *   time, which also brings the room's recent history), so the server
 *   replays the last message it showed and everything after; a second join (the heartbeat one)
 *   marks the end of the replay. If the replay starts with the same message, nothing was missed
 *   and what follows is new. If it does not (another message has that number, or none has), the
 *   server lost its rooms (a restart numbers from 1 again): the client joins once more with
 *   after=0 and takes the new history, dropping the messages it already showed by their id.
 *   `joined` with `gap: true` means the server no longer had everything: the state says "gap".
 *   What the client itself said in the last REPUBLISH_WINDOW_MS before a restart is said again,
 *   under the same ids: the old server may have echoed it to us and died before the others got it.
 * - Exactly once. Every message said gets an id (unique to this client) and waits in the outbox
 *   until its own echo comes back; if the connection is lost first, it is sent again on the next
 *   one, after the replay (which may already hold it). Every message shown is remembered by id,
 *   so a copy (a message the server accepted twice, or got again from another client after a
 *   restart) is never shown twice. Messages said while disconnected wait in the outbox too.
 *
 * Events (on(type, listener)): 'state' {state, transport, mode, detail, retryInMs},
 * 'message' {message, mine}, 'members' {count, names}, 'presence' {name, event, members},
 * 'outbox' [{id, text}], 'notice' {kind: 'gap' | 'restart' | 'error', text}.
 * States: 'connecting' (never connected yet), 'live', 'gap' (live, but the server could not
 * replay everything that was missed), 'reconnecting' (lost; retrying), 'closed'.
 */

/** Silence after which the client asks the server for an answer. */
export const HEARTBEAT_MS = 15_000;
/** Silence after which the connection counts as dead: with the 1 s tick, noticed within 31 s. */
export const DEAD_MS = 30_000;
/** How long one transport may take to connect before the next one is tried. */
export const CONNECT_TIMEOUT_MS = 10_000;
const TICK_MS = 1000;
/** Backoff: first retry after about FIRST_RETRY_MS, doubling, never over MAX_RETRY_MS, +-JITTER. */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 5000;
export const JITTER = 0.5;
/** `after` beyond any seq: a join that only asks for `joined` (the heartbeat and the replay's end). */
const NOTHING_AFTER = Number.MAX_SAFE_INTEGER;
const REMEMBERED_IDS = 10_000;
/**
 * After a restart, our own messages acknowledged this long before the connection was lost are
 * said again: the old server may have died before it gave them to everyone, and took them along.
 */
export const REPUBLISH_WINDOW_MS = 30_000;
const OUTBOX_LIMIT = 1000;

/**
 * The wait before reconnect attempt `failures` (0 for the first): FIRST_RETRY_MS doubled per
 * failure, then spread by +-JITTER. The nominal wait stops growing where its jittered top reaches
 * MAX_RETRY_MS, so the jitter survives the cap: the first retry comes after 0.5 to 1.5 s, later ones
 * after 1.7 to 5 s. Random spread keeps a thousand clients of a restarted server from all coming
 * back in the same millisecond.
 */
export function backoffDelay(failures, random = Math.random) {
  const nominal = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS / (1 + JITTER));
  return nominal * (1 - JITTER + 2 * JITTER * random());
}

/** A random tag for this client's message ids, so that ids from different clients never collide. */
function randomTag() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

/** The same message: its number, and what the server stamped on it. */
function sameMessage(a, b) {
  return a.seq === b.seq && a.ts === b.ts && a.from === b.from && a.id === b.id && a.text === b.text;
}

/** A set that forgets its oldest entries past a limit. */
class RecentSet {
  #limit;
  #items = new Set();

  constructor(limit) {
    this.#limit = limit;
  }

  has(item) {
    return this.#items.has(item);
  }

  add(item) {
    this.#items.add(item);
    if (this.#items.size > this.#limit) this.#items.delete(this.#items.values().next().value);
  }
}

export class ChatClient {
  room;
  name;
  mode;
  #base;
  #listeners = new Map();
  #closed = false;
  #everLive = false;
  #wake = null;
  #state = { state: 'connecting', transport: null, mode: null, detail: '', retryInMs: 0 };

  // the connection in use, and how to drop it
  #transport = null;
  #connection = 0;
  #lose = null;
  #lastHeard = 0;
  #heartbeatSentAt = 0;

  // resume: what was shown last, in the server's numbering
  #seq = 0;
  #last = null;
  #numberingRestarted = false;
  #shownIds = new RecentSet(REMEMBERED_IDS);
  #phase = 'idle'; // 'syncing' from a join until the replay has ended, then 'live'
  #held = [];
  #joinNo = 0;
  #joinsSent = 0;
  #joinsAnswered = 0;
  #replayEndsAt = 0;
  #gapSeen = false;

  // exactly once
  #tag = randomTag();
  #said = 0;
  #outbox = new Map(); // id -> {id, text, sentOn: connection number, 0 = not yet}
  #acknowledged = []; // our own messages, oldest first: {id, text, at}, the last REPUBLISH_WINDOW_MS
  #lostAt = 0;

  // who is here
  #members = 0;
  #present = new Map(); // name -> how many of that name

  /**
   * @param {{room: string, name: string, transport?: string, base?: string}} options
   *        transport: 'auto' (default) or a name of TRANSPORTS; base: the server's URL
   */
  constructor({ room, name, transport = 'auto', base = globalThis.location.href }) {
    if (transport !== 'auto' && !TRANSPORTS[transport]) throw new Error(`unknown transport '${transport}'`);
    this.room = room;
    this.name = name;
    this.mode = transport;
    this.#base = base;
    this.#state.mode = transport;
    globalThis.addEventListener?.('online', () => this.#wake?.());
    this.#run();
  }

  on(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.#listeners.get(type).delete(listener);
  }

  /** The state, members and outbox as they are now (for a tab that arrives late). */
  snapshot() {
    return {
      state: { ...this.#state },
      members: this.#membersEvent(),
      outbox: this.#outboxEvent(),
    };
  }

  /** Says `text` in the room: now if connected, else once reconnected. Returns the message's id. */
  say(text) {
    if (this.#closed) throw new Error('chat closed');
    if (this.#outbox.size >= OUTBOX_LIMIT) throw new Error(`${OUTBOX_LIMIT} messages already wait to be sent`);
    const id = `${this.#tag}-${++this.#said}`;
    this.#outbox.set(id, { id, text, sentOn: 0 });
    this.#emit('outbox', this.#outboxEvent());
    if (this.#phase === 'live') this.#flushOutbox();
    return id;
  }

  /** Leaves the room and closes the connection for good. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    const transport = this.#transport;
    if (transport) {
      // HTTP sessions outlive their requests: without a leave, the others would see us go only
      // when the session expires.
      transport.send([{ type: 'leave', room: this.room }]).catch(() => {}).finally(() => transport.close());
    }
    this.#lose?.('closed');
    this.#wake?.();
    this.#setState('closed', { detail: '' });
  }

  // ---- connecting, forever ----

  async #run() {
    let failures = 0;
    while (!this.#closed) {
      this.#setState(this.#everLive ? 'reconnecting' : 'connecting', { retryInMs: 0 });
      const transport = await this.#open();
      if (this.#closed) {
        transport?.close();
        return;
      }
      if (transport) {
        const wentLive = await this.#serve(transport);
        if (this.#closed) return;
        if (wentLive) failures = 0;
      }
      const delay = backoffDelay(failures++);
      this.#setState('reconnecting', { retryInMs: Math.round(delay) });
      await new Promise((resume) => {
        const timer = setTimeout(resume, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resume();
        };
      });
      this.#wake = null;
    }
  }

  /** The first transport that connects (the chosen one, or the 'auto' order), or null. */
  async #open() {
    const failures = [];
    for (const name of this.mode === 'auto' ? AUTO_ORDER : [this.mode]) {
      if (this.#closed) return null;
      this.#setState(this.#state.state, { transport: name });
      const transport = new TRANSPORTS[name](this.#base);
      let timer;
      try {
        await Promise.race([
          transport.connect(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
          }),
        ]);
        this.#setState(this.#state.state, { detail: failures.join('; ') });
        return transport;
      } catch (error) {
        transport.close();
        failures.push(`${name}: ${error.message}`);
      } finally {
        clearTimeout(timer);
      }
    }
    this.#setState(this.#state.state, { detail: failures.join('; ') });
    return null;
  }

  /** Uses one open connection until it is lost; resolves to whether it went live. */
  #serve(transport) {
    return new Promise((resolve) => {
      const connection = ++this.#connection;
      let wentLive = false;
      let tick = null;
      this.#transport = transport;
      this.#lastHeard = Date.now();
      this.#heartbeatSentAt = 0;
      this.#joinsSent = 0;
      this.#joinsAnswered = 0;
      this.#lose = (reason) => {
        if (this.#connection !== connection || this.#transport !== transport) return;
        clearInterval(tick);
        transport.onmessage = () => {};
        transport.onclose = () => {};
        if (reason !== 'closed') transport.close();
        this.#transport = null;
        this.#lose = null;
        this.#phase = 'idle';
        this.#lostAt = Date.now();
        if (reason !== 'closed') this.#setState(this.#state.state, { detail: reason });
        resolve(wentLive);
      };
      transport.onmessage = (message) => {
        this.#lastHeard = Date.now();
        this.#receive(message);
        if (this.#phase === 'live') wentLive = true;
      };
      transport.onclose = (reason) => this.#lose?.(reason);
      tick = setInterval(() => this.#checkLiveness(), TICK_MS);
      this.#startSync();
    });
  }

  #checkLiveness() {
    const silent = Date.now() - this.#lastHeard;
    if (silent >= DEAD_MS) {
      this.#lose?.(`no answer from the server for ${Math.round(silent / 1000)} s`);
    } else if (silent >= HEARTBEAT_MS && this.#heartbeatSentAt <= this.#lastHeard) {
      this.#heartbeatSentAt = Date.now();
      this.#send([this.#join(NOTHING_AFTER)]);
    }
  }

  #send(messages) {
    const transport = this.#transport;
    if (!transport) return;
    this.#joinsSent += messages.filter((m) => m.type === 'join').length;
    transport.send(messages).catch((error) => {
      if (this.#transport === transport) this.#lose?.(`send failed: ${error.message}`);
    });
  }

  #join(after) {
    // The id comes back only in an error: it tells a refused join from a refused say.
    return { type: 'join', room: this.room, name: this.name, after, id: `${this.#tag}-j${++this.#joinNo}` };
  }

  // ---- resume ----

  /**
   * Joins (again) and asks for what was missed; the messages are held until the replay ends.
   * A first join asks for the room's kept history too (after=0): the page shows the recent
   * conversation, and a message said before a first echo came back is found in it on resume.
   */
  #startSync(held = []) {
    this.#phase = 'syncing';
    this.#held = held;
    this.#gapSeen = false;
    const after = this.#seq > 0 && !this.#numberingRestarted ? this.#seq - 1 : 0;
    this.#send([this.#join(after), this.#join(NOTHING_AFTER)]);
    this.#replayEndsAt = this.#joinsSent;
  }

  #receive(message) {
    if (message.room !== undefined && message.room !== this.room) return;
    switch (message.type) {
      case 'joined':
        this.#joinsAnswered++;
        this.#members = message.members;
        if (this.#phase === 'syncing') {
          // A gap matters only to a client that had messages before: to a newcomer the
          // history is a courtesy, and the server keeps only the last thousand anyway.
          if (message.gap && (this.#seq > 0 || this.#numberingRestarted)) this.#gapSeen = true;
          if (this.#joinsAnswered >= this.#replayEndsAt) this.#settle();
        }
        this.#emit('members', this.#membersEvent());
        break;
      case 'message':
        if (this.#phase === 'syncing') this.#held.push(message);
        else this.#accept(message);
        break;
      case 'presence':
        this.#members = message.members;
        this.#countPresent(message.name, message.event === 'join' ? 1 : -1);
        this.#emit('presence', { name: message.name, event: message.event, members: message.members });
        this.#emit('members', this.#membersEvent());
        break;
      case 'error':
        this.#onError(message);
        break;
      default:
        break; // 'left', and whatever a newer server sends that this client does not know
    }
  }

  /** The replay has ended: decide whether the numbering still holds, then show what is new. */
  #settle() {
    const bySeq = new Map();
    for (const message of this.#held) if (!bySeq.has(message.seq)) bySeq.set(message.seq, message);
    const held = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    if (this.#seq > 0 && !this.#numberingRestarted) {
      const anchor = bySeq.get(this.#seq);
      const continues = anchor ? sameMessage(anchor, this.#last) : this.#gapSeen;
      if (!continues) {
        // The server does not have our last message under its number: it lost its rooms and
        // numbers from 1 again. Take its whole history; ids keep out what we already showed.
        this.#numberingRestarted = true;
        this.#emit('notice', { kind: 'restart', text: 'the server lost its rooms (restarted?): catching up with its new history' });
        this.#startSync();
        return;
      }
    }
    const restarted = this.#numberingRestarted;
    this.#numberingRestarted = false;
    const from = restarted ? 0 : this.#seq;
    this.#phase = 'live';
    this.#everLive = true;
    if (restarted) {
      this.#seq = 0;
      this.#last = null;
    }
    if (this.#gapSeen) {
      this.#emit('notice', { kind: 'gap', text: 'the server no longer had every message since the last one shown: some are missing here' });
    }
    for (const message of held) if (message.seq > from) this.#show(message);
    if (restarted) this.#republish(held);
    this.#setState(this.#gapSeen ? 'gap' : 'live', { retryInMs: 0 });
    this.#flushOutbox();
  }

  /** A message while live: it must be the next number, else something was missed: sync again. */
  #accept(message) {
    if (this.#seq > 0 && message.seq !== this.#seq + 1) {
      this.#startSync([message]);
      return;
    }
    this.#show(message);
  }

  #show(message) {
    this.#seq = message.seq;
    this.#last = message;
    const ours = this.#outbox.get(message.id);
    if (ours) {
      this.#outbox.delete(message.id);
      this.#acknowledged.push({ id: message.id, text: ours.text, at: Date.now() });
      while (this.#acknowledged.length > 0 && this.#acknowledged[0].at < Date.now() - 2 * REPUBLISH_WINDOW_MS) this.#acknowledged.shift();
      this.#emit('outbox', this.#outboxEvent());
    }
    if (message.id !== undefined) {
      if (this.#shownIds.has(message.id)) return;
      this.#shownIds.add(message.id);
    }
    const mine = typeof message.id === 'string' && message.id.startsWith(this.#tag + '-');
    this.#emit('message', { message, mine });
  }

  /**
   * The server lost its rooms: what we said shortly before it went may have reached only us (the
   * echo came back, the others' copies were still queued when it died). Say those again, under
   * their ids, unless the new history has them; whoever showed them already drops the copy.
   */
  #republish(newHistory) {
    const has = new Set(newHistory.map((message) => message.id));
    const since = this.#lostAt - REPUBLISH_WINDOW_MS;
    for (const { id, text, at } of this.#acknowledged) {
      if (at >= since && !has.has(id) && !this.#outbox.has(id)) this.#outbox.set(id, { id, text, sentOn: 0 });
    }
    this.#acknowledged = [];
  }

  /** Sends what waits in the outbox and was not sent on this connection yet, in order. */
  #flushOutbox() {
    const due = [...this.#outbox.values()].filter((entry) => entry.sentOn !== this.#connection);
    if (due.length === 0 || !this.#transport) return;
    for (const entry of due) entry.sentOn = this.#connection;
    this.#send(due.map((entry) => ({ type: 'say', room: this.room, text: entry.text, id: entry.id })));
  }

  #onError(message) {
    if (typeof message.id === 'string' && message.id.startsWith(`${this.#tag}-j`)) {
      this.#joinsAnswered++; // a join answered with an error instead of joined
      this.#emit('notice', { kind: 'error', text: `join refused: ${message.code}: ${message.reason}` });
      // the replay cannot be trusted without its join: start again on a new connection
      if (this.#phase === 'syncing') this.#lose?.(`join refused: ${message.code} (${message.reason})`);
      return;
    }
    const entry = message.id !== undefined ? this.#outbox.get(message.id) : undefined;
    if (entry && message.code === 'unavailable') {
      entry.sentOn = 0; // the server could not take it now (its broker is down): try again
      setTimeout(() => this.#phase === 'live' && this.#flushOutbox(), FIRST_RETRY_MS);
    } else if (entry) {
      this.#outbox.delete(message.id); // refused for good (too long, ...): it will never be shown
      this.#emit('outbox', this.#outboxEvent());
    }
    this.#emit('notice', { kind: 'error', text: `${message.code}: ${message.reason}${entry ? ` ("${entry.text}")` : ''}` });
  }

  // ---- what the page sees ----

  #countPresent(name, delta) {
    const count = (this.#present.get(name) ?? 0) + delta;
    if (count > 0) this.#present.set(name, count);
    else this.#present.delete(name);
  }

  #membersEvent() {
    const names = new Set(this.#present.keys());
    if (this.#everLive) names.add(this.name);
    return { count: this.#members, names: [...names] };
  }

  #outboxEvent() {
    return [...this.#outbox.values()].map(({ id, text }) => ({ id, text }));
  }

  #setState(state, changes = {}) {
    this.#state = { ...this.#state, ...changes, state };
    this.#emit('state', { ...this.#state });
  }

  #emit(type, detail) {
    for (const listener of this.#listeners.get(type) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        console.error(`chatlab: a '${type}' listener failed`, error);
      }
    }
  }
}
