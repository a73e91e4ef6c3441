/**
 * PROTOCOL.md's rooms in memory, the way ChatHub keeps them (numbering from 1, the last
 * `history` messages kept, join with `after` replays, `gap` when the replay is incomplete), and
 * a transport to it, so that ChatClient's resume logic can be tested without a browser: the
 * server can drop connections, lose messages' echoes, go silent, and restart with empty rooms.
 */
export class FakeServer {
  rooms = new Map();
  connections = new Set();
  up = true;
  history;

  constructor({ history = 1000 } = {}) {
    this.history = history;
  }

  /** Ends every connection (as a crash does); with `forget`, the rooms are lost too (a restart). */
  dropAll({ forget = false } = {}) {
    for (const connection of [...this.connections]) connection.drop('server dropped the connection');
    if (forget) this.rooms = new Map();
  }

  /** A message said by someone who is not a ChatClient (straight into the room). */
  sayAs(room, from, text, id) {
    return this.#say(this.#room(room), from, text, id);
  }

  handle(connection, message) {
    switch (message.type) {
      case 'join': {
        const room = this.#room(message.room);
        const rejoin = room.members.has(connection);
        room.members.set(connection, message.name);
        connection.rooms.add(message.room);
        const joined = { type: 'joined', room: message.room, name: message.name, members: room.members.size };
        if (message.after !== undefined) {
          const oldestKept = room.kept.length ? room.kept[0].seq : room.seq + 1;
          if (message.after + 1 < oldestKept && message.after < room.seq) joined.gap = true;
        }
        connection.deliver(joined);
        if (message.after !== undefined) for (const kept of room.kept) if (kept.seq > message.after) connection.deliver(kept);
        if (!rejoin) this.#fanOut(room, connection, { type: 'presence', room: message.room, name: message.name, event: 'join', members: room.members.size });
        break;
      }
      case 'say': {
        const room = this.rooms.get(message.room);
        if (!room?.members.has(connection)) {
          connection.deliver({ type: 'error', code: 'not_joined', reason: 'join first', id: message.id });
          break;
        }
        this.#say(room, room.members.get(connection), message.text, message.id);
        break;
      }
      case 'leave': {
        const room = this.rooms.get(message.room);
        room?.members.delete(connection);
        break;
      }
      default:
        connection.deliver({ type: 'error', code: 'unknown_type', reason: message.type, id: message.id });
    }
  }

  gone(connection) {
    this.connections.delete(connection);
    for (const name of connection.rooms) {
      const room = this.rooms.get(name);
      const who = room?.members.get(connection);
      if (room && room.members.delete(connection)) {
        this.#fanOut(room, null, { type: 'presence', room: name, name: who, event: 'leave', members: room.members.size });
      }
    }
  }

  /** Every message of a room still kept, in order (what a fresh client could replay). */
  kept(room) {
    return this.rooms.get(room)?.kept ?? [];
  }

  #room(name) {
    if (!this.rooms.has(name)) this.rooms.set(name, { name, seq: 0, kept: [], members: new Map() });
    return this.rooms.get(name);
  }

  #say(room, from, text, id) {
    const message = { type: 'message', room: room.name, from, text, seq: ++room.seq, ts: 1_700_000_000_000 + room.seq };
    if (id !== undefined) message.id = id;
    room.kept.push(message);
    if (room.kept.length > this.history) room.kept.shift();
    this.#fanOut(room, null, message);
    return message;
  }

  #fanOut(room, except, message) {
    for (const member of room.members.keys()) if (member !== except) member.deliver(message);
  }
}

/**
 * A transport to a FakeServer, delivering in order on later turns of the event loop, like a
 * network. Tests reach the open connection through `FakeTransport.last` to make it misbehave.
 */
export class FakeTransport {
  static server = null;
  static last = null;
  name = 'fake';
  onmessage = () => {};
  onclose = () => {};
  rooms = new Set();
  /** When true the connection is dead without saying so: nothing goes either way. */
  silent = false;
  /** When true, what the server sends is lost (the client's messages still arrive). */
  deaf = false;
  #server = FakeTransport.server;
  #open = false;

  connect() {
    if (!this.#server.up) return Promise.reject(new Error('connection refused'));
    this.#open = true;
    this.#server.connections.add(this);
    FakeTransport.last = this;
    return Promise.resolve();
  }

  send(messages) {
    if (!this.#open) return Promise.reject(new Error('not open'));
    if (!this.silent) for (const message of messages) setImmediate(() => this.#open && this.#server.handle(this, structuredClone(message)));
    return Promise.resolve();
  }

  deliver(message) {
    if (this.silent || this.deaf) return;
    setImmediate(() => this.#open && this.onmessage(structuredClone(message)));
  }

  drop(reason) {
    if (!this.#open) return;
    this.#open = false;
    this.#server.gone(this);
    setImmediate(() => this.onclose(reason));
  }

  close() {
    if (!this.#open) return;
    this.#open = false;
    this.#server.gone(this);
  }
}
