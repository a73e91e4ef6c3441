'use strict';

/*
 * chatlab's node-ws reference peer: PROTOCOL.md's WebSocket endpoints (/ws chat, /echo) and /stats,
 * served by Node's http module and the `ws` package, written the way the ws README shows it
 * (one http.Server, WebSocketServer in noServer mode, routing in the 'upgrade' event).
 *
 * Threading: everything runs on Node's one event loop (the libuv thread pool is idle here, and
 * /stats reports the process's real thread count, V8's helpers included). Rooms, history and
 * counters are plain objects touched only by that loop, so nothing is locked.
 *
 * Slow and hostile clients:
 * - a message over --max-message-bytes: ws closes with 1009 (maxPayload);
 * - a framing error or invalid UTF-8: ws closes with 1002 or 1007;
 * - a client that does not read: after every send the connection's ws.bufferedAmount (the bytes
 *   Node holds for it, not the kernel's) is compared with --outbound-bound-bytes; past it the
 *   server closes with 1008, stops sending to it, leaves its rooms at once, and ws destroys the
 *   socket if the closing handshake has not finished within CLOSE_TIMEOUT_MS;
 * - a silent client: pinged after --idle-interval-ms without any frame from it, closed with 1001
 *   if nothing arrives within another interval;
 * - a client that never finishes its request head: dropped after --head-timeout-ms; a head over
 *   8 KiB is answered 431;
 * - a bad chat message: an `error` reply, the connection stays open.
 * None of these touches another connection.
 */

const fs = require('node:fs');
const http = require('node:http');
const { parseArgs } = require('node:util');
const { WebSocketServer, WebSocket } = require('ws');

const MODEL = 'node-ws';
const HISTORY = 1000;
const MAX_ROOMS_PER_CONNECTION = 64;
const MAX_NAME_CHARS = 32;
const MAX_TEXT_CHARS = 4096;
const MAX_ID_CHARS = 64;
const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_HEAD_BYTES = 8 * 1024;
const CLOSE_TIMEOUT_MS = 3000;
const SHUTDOWN_GRACE_MS = 2000;

// ---------------------------------------------------------------------------------------------
// Command line

function usage(message) {
  process.stderr.write(`node-ws: ${message}\n` +
    'usage: node server.js --port P [--host H] [--max-message-bytes N] [--outbound-bound-bytes N]\n' +
    '                      [--idle-interval-ms N] [--head-timeout-ms N] [--exit-on-stdin-eof]\n' +
    '                      [--fault-delay-ms N] [--fault-drop-every N]\n');
  process.exit(2);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'max-message-bytes': { type: 'string', default: String(64 * 1024) },
        'outbound-bound-bytes': { type: 'string', default: String(1024 * 1024) },
        'idle-interval-ms': { type: 'string', default: '30000' },
        'head-timeout-ms': { type: 'string', default: '10000' },
        'exit-on-stdin-eof': { type: 'boolean', default: false },
        'fault-delay-ms': { type: 'string', default: '0' },
        'fault-drop-every': { type: 'string', default: '0' },
      },
      strict: true,
    }));
  } catch (e) {
    usage(e.message);
  }
  if (values.port === undefined) usage('--port is required (0 for any free port)');
  const number = (name, min) => {
    const text = values[name];
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) usage(`--${name} must be an integer >= ${min}, not '${text}'`);
    return n;
  };
  const port = number('port', 0);
  if (port > 65535) usage('--port must be at most 65535');
  return {
    port,
    host: values.host,
    maxMessageBytes: number('max-message-bytes', 125),
    outboundBoundBytes: number('outbound-bound-bytes', 1024),
    idleIntervalMs: number('idle-interval-ms', 1),
    headTimeoutMs: number('head-timeout-ms', 1),
    exitOnStdinEof: values['exit-on-stdin-eof'],
    faultDelayMs: number('fault-delay-ms', 0),
    faultDropEvery: number('fault-drop-every', 0),
  };
}

const options = readOptions();

// ---------------------------------------------------------------------------------------------
// Counters and /stats

const startedAt = process.hrtime.bigint();

const counters = {
  connections: 0,
  connectionsTotal: 0,
  messagesIn: 0,
  messagesOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  httpRequests: 0,
  httpRejects: 0,
  headTimeouts: 0,
  protocolCloses: 0,
  slowConsumerCloses: 0,
  idleCloses: 0,
  appErrors: 0,
  ioErrors: 0,
  internalErrors: 0,
};

/** Threads and resident memory as the kernel sees this process; off Linux, Node's own figures. */
function processFigures() {
  let threads = -1;
  let rssBytes = -1;
  try {
    for (const line of fs.readFileSync('/proc/self/status', 'latin1').split('\n')) {
      if (line.startsWith('Threads:')) threads = parseInt(line.slice(8).trim(), 10);
      else if (line.startsWith('VmRSS:')) rssBytes = parseInt(line.slice(6).trim(), 10) * 1024;
    }
  } catch {
    // Not Linux.
  }
  if (rssBytes < 0) rssBytes = process.memoryUsage.rss();
  return { threads, rssBytes };
}

/**
 * The /stats object. Besides PROTOCOL.md's fields: cpuMillis, ctxVoluntary and ctxInvoluntary for
 * the whole process since it started (process.resourceUsage(), getrusage(RUSAGE_SELF) underneath,
 * so ended threads are included). gcPauseMillis is left out: V8 keeps no such total. With
 * `gcFirst` (GET /stats?gc=1) a full collection runs first (global.gc(), which needs node
 * --expose-gc) and heapLiveBytes is V8's heap in use right after it.
 */
function statsJson(gcFirst) {
  let heapLiveBytes;
  if (gcFirst && typeof global.gc === 'function') { // without --expose-gc, heapLiveBytes is left out
    global.gc();
    heapLiveBytes = process.memoryUsage().heapUsed;
  }
  const { threads, rssBytes } = processFigures();
  const usage = process.resourceUsage();
  return JSON.stringify({
    model: MODEL,
    connections: counters.connections,
    threads,
    heapUsedBytes: process.memoryUsage().heapUsed,
    rssBytes,
    messagesIn: counters.messagesIn,
    messagesOut: counters.messagesOut,
    bytesIn: counters.bytesIn,
    bytesOut: counters.bytesOut,
    uptimeMillis: Number((process.hrtime.bigint() - startedAt) / 1_000_000n),
    connectionsTotal: counters.connectionsTotal,
    httpRequests: counters.httpRequests,
    httpRejects: counters.httpRejects,
    headTimeouts: counters.headTimeouts,
    protocolCloses: counters.protocolCloses,
    slowConsumerCloses: counters.slowConsumerCloses,
    idleCloses: counters.idleCloses,
    appErrors: counters.appErrors,
    ioErrors: counters.ioErrors,
    internalErrors: counters.internalErrors,
    cpuMillis: Math.floor((usage.userCPUTime + usage.systemCPUTime) / 1000),
    ctxVoluntary: usage.voluntaryContextSwitches,
    ctxInvoluntary: usage.involuntaryContextSwitches,
    ...(heapLiveBytes === undefined ? {} : { heapLiveBytes }),
  });
}

/** Whether the query of a /stats request asks for a full GC first (gc=1 among its parameters). */
function asksForFullGc(url) {
  const q = url.indexOf('?');
  return q >= 0 && url.slice(q + 1).split('&').includes('gc=1');
}

// ---------------------------------------------------------------------------------------------
// Connections and sending

const TEXT = { binary: false };
const BINARY = { binary: true };

/** Every open WebSocket, for the idle sweep and for shutdown. */
const connections = new Set();
/** Set by SIGINT/SIGTERM: no new WebSockets, the open ones are closed with 1001. */
let stopping = false;

class Connection {
  constructor(ws, route) {
    this.ws = ws;
    this.route = route;
    /** room name -> the name this connection joined it with */
    this.rooms = new Map();
    this.lastSeen = Date.now();
    this.pingedAt = 0;
    this.retired = false;
  }
}

/** Bytes a server frame of this payload takes on the wire (RFC 6455 5.2; server frames are unmasked). */
function wireBytes(payloadBytes) {
  if (payloadBytes < 126) return payloadBytes + 2;
  if (payloadBytes < 65536) return payloadBytes + 4;
  return payloadBytes + 10;
}

/**
 * Queues one data message for a connection, then applies the outbound bound: a client that lets
 * more than --outbound-bound-bytes pile up in Node's buffers is a slow consumer and is closed 1008.
 */
function send(conn, payload, binary) {
  const ws = conn.ws;
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(payload, binary ? BINARY : TEXT);
  counters.messagesOut++;
  counters.bytesOut += wireBytes(payload.length);
  if (ws.bufferedAmount > options.outboundBoundBytes) {
    counters.slowConsumerCloses++;
    closeAndRetire(conn, 1008, 'slow consumer: outbound queue over bound');
  }
}

/**
 * Starts the closing handshake and takes the connection out of its rooms now, without waiting
 * for the handshake; ws destroys the socket if the client does not answer within the close timeout.
 * Leaving is deferred to the next tick so that a broadcast in progress finishes first.
 */
function closeAndRetire(conn, code, reason) {
  conn.ws.close(code, reason);
  process.nextTick(retire, conn);
}

// ---------------------------------------------------------------------------------------------
// Rooms: history and sequence numbers

/**
 * A room keeps its members (in join order), its sequence counter and its last HISTORY messages,
 * encoded. Like the Java models' ChatHub, a room outlives its last member for its history.
 */
class Room {
  constructor(name) {
    this.name = name;
    this.members = new Set();
    this.seq = 0;
    this.kept = 0;
    this.history = new Array(HISTORY);
  }

  /** Takes the next sequence number for a message and keeps its encoded form. */
  append(encode) {
    const seq = ++this.seq;
    const payload = encode(seq);
    this.history[(seq - 1) % HISTORY] = payload;
    if (this.kept < HISTORY) this.kept++;
    return { seq, payload };
  }

  /** Whether messages numbered above `after` were already dropped from the history. */
  hasGapAfter(after) {
    const firstKept = this.seq - this.kept + 1;
    return after < this.seq && after + 1 < firstKept;
  }

  /** Sends the kept messages numbered above `after`, in order. */
  replay(conn, after) {
    const firstKept = this.seq - this.kept + 1;
    for (let seq = Math.max(after + 1, firstKept); seq <= this.seq; seq++) {
      send(conn, this.history[(seq - 1) % HISTORY], false);
    }
  }
}

const rooms = new Map();

function encode(object) {
  return Buffer.from(JSON.stringify(object), 'utf8');
}

/** Sends one encoded message to every member of a room (the same buffer to each), but `except`. */
function broadcast(room, payload, except) {
  for (const member of room.members) {
    if (member !== except) send(member, payload, false);
  }
}

/** An empty room that never had a message carries nothing worth keeping. */
function forgetIfUnused(room) {
  if (room.members.size === 0 && room.seq === 0) rooms.delete(room.name);
}

/** The connection leaves all its rooms (others see presence leave); idempotent. */
function retire(conn) {
  if (conn.retired) return;
  conn.retired = true;
  for (const [roomName, name] of conn.rooms) {
    const room = rooms.get(roomName);
    room.members.delete(conn);
    broadcast(room, encode({ type: 'presence', room: roomName, name, event: 'leave', members: room.members.size }));
    forgetIfUnused(room);
  }
  conn.rooms.clear();
}

// ---------------------------------------------------------------------------------------------
// Chat messages on /ws

/** Whether a string is longer than `max` characters, counting code points (a surrogate pair is one). */
function longerThan(text, max) {
  if (text.length <= max) return false;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    if (++count > max) return true;
  }
  return false;
}

function appError(conn, code, reason, id) {
  counters.appErrors++;
  send(conn, encode({ type: 'error', code, reason, id }), false);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Handles one message from a /ws client, with the checks and their order of the Java models'
 * ChatSession: bad JSON, then type, then room, then the type's own fields. An error echoes the
 * request's `id` as it came (any JSON value).
 */
function onChatMessage(conn, data, isBinary) {
  if (options.faultDelayMs > 0) Atomics.wait(sleepCell, 0, 0, options.faultDelayMs);
  if (isBinary) return appError(conn, 'bad_json', 'chat messages are JSON text frames');
  let msg;
  try {
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    return appError(conn, 'bad_json', 'not a JSON object');
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return appError(conn, 'bad_json', 'not a JSON object');
  }
  const id = msg.id ?? undefined;
  const type = msg.type;
  if (typeof type !== 'string') return appError(conn, 'unknown_type', 'missing type', id);
  switch (type) {
    case 'join': return onJoin(conn, msg, id);
    case 'say': return onSay(conn, msg, id);
    case 'leave': return onLeave(conn, msg, id);
    case 'compute':
    case 'sleep':
      return appError(conn, 'unknown_type', `unknown type '${type}' (node-ws serves no lab messages)`, id);
    default:
      return appError(conn, 'unknown_type', `unknown type '${type.length > 32 ? `${type.slice(0, 32)}...` : type}'`, id);
  }
}

function validRoom(conn, msg, id) {
  const room = msg.room;
  if (typeof room === 'string' && ROOM_PATTERN.test(room)) return true;
  appError(conn, 'bad_room', 'room must match [A-Za-z0-9_.-]{1,64}', id);
  return false;
}

function validName(name) {
  return typeof name === 'string' && name.length > 0 && !longerThan(name, MAX_NAME_CHARS) && !CONTROL_CHARS.test(name);
}

/**
 * joined (with the kept messages above `after` when asked) to the joiner, presence to the others.
 * Joining a room again renames and replays, without presence.
 */
function onJoin(conn, msg, id) {
  if (!validRoom(conn, msg, id)) return;
  const roomName = msg.room;
  const name = msg.name;
  if (!validName(name)) {
    return appError(conn, 'bad_name', `name must be 1 to ${MAX_NAME_CHARS} characters, no control characters`, id);
  }
  const rejoin = conn.rooms.has(roomName);
  if (!rejoin && conn.rooms.size >= MAX_ROOMS_PER_CONNECTION) {
    return appError(conn, 'too_many_rooms', `at most ${MAX_ROOMS_PER_CONNECTION} rooms per connection`, id);
  }
  const after = msg.after ?? -1; // absent or null: no replay
  if (msg.after != null && !(Number.isSafeInteger(msg.after) && msg.after >= 0)) {
    return appError(conn, 'bad_json', 'after must be a number >= 0', id);
  }
  let room = rooms.get(roomName);
  if (room === undefined) {
    room = new Room(roomName);
    rooms.set(roomName, room);
  }
  room.members.add(conn);
  conn.rooms.set(roomName, name);
  const members = room.members.size;
  const gap = after >= 0 && room.hasGapAfter(after) ? true : undefined;
  send(conn, encode({ type: 'joined', room: roomName, name, members, gap }), false);
  if (after >= 0) room.replay(conn, after);
  if (!rejoin) broadcast(room, encode({ type: 'presence', room: roomName, name, event: 'join', members }), conn);
}

/** Numbers the message in its room and sends one encoding of it to every member, the sender included. */
function onSay(conn, msg, id) {
  if (!validRoom(conn, msg, id)) return;
  const roomName = msg.room;
  const text = msg.text;
  if (typeof text !== 'string') return appError(conn, 'bad_json', 'say needs a text string', id);
  if (longerThan(text, MAX_TEXT_CHARS)) return appError(conn, 'too_long', `text over ${MAX_TEXT_CHARS} characters`, id);
  if (id !== undefined && typeof id !== 'string') return appError(conn, 'bad_json', 'id must be a string', id);
  if (id !== undefined && id.length > MAX_ID_CHARS) return appError(conn, 'too_long', `id over ${MAX_ID_CHARS} characters`, id);
  const from = conn.rooms.get(roomName);
  if (from === undefined) return appError(conn, 'not_joined', `join ${roomName} first`, id);
  const room = rooms.get(roomName);
  const ts = Date.now();
  // Encoded once; the same buffer goes to every member and into the history.
  const { seq, payload } = room.append((n) => encode({ type: 'message', room: roomName, from, text, id, seq: n, ts }));
  if (options.faultDropEvery > 0 && seq % options.faultDropEvery === 0) return; // deliberately lost (harness tests)
  broadcast(room, payload, null);
}

function onLeave(conn, msg, id) {
  if (!validRoom(conn, msg, id)) return;
  const roomName = msg.room;
  const name = conn.rooms.get(roomName);
  if (name === undefined) return appError(conn, 'not_joined', `not in ${roomName}`, id);
  const room = rooms.get(roomName);
  conn.rooms.delete(roomName);
  room.members.delete(conn);
  const members = room.members.size;
  send(conn, encode({ type: 'left', room: roomName, members }), false);
  broadcast(room, encode({ type: 'presence', room: roomName, name, event: 'leave', members }), null);
  forgetIfUnused(room);
}

// ---------------------------------------------------------------------------------------------
// WebSocket server

const wss = new WebSocketServer({
  noServer: true,
  maxPayload: options.maxMessageBytes,
  perMessageDeflate: false,
  clientTracking: false,
  closeTimeout: CLOSE_TIMEOUT_MS,
});

wss.on('connection', (ws, req, route) => {
  const conn = new Connection(ws, route);
  connections.add(conn);
  counters.connections++;
  counters.connectionsTotal++;

  req.socket.on('error', () => counters.ioErrors++);
  ws.on('error', () => {
    // ws reports only protocol violations here (1002, 1007, 1009) and has already started the close.
    counters.protocolCloses++;
    process.nextTick(retire, conn);
  });
  ws.on('close', () => {
    retire(conn);
    connections.delete(conn);
    counters.connections--;
    if (stopping && connections.size === 0) exit();
  });
  const seen = () => {
    conn.lastSeen = Date.now();
    conn.pingedAt = 0;
  };
  ws.on('ping', seen);
  ws.on('pong', seen);
  ws.on('message', (data, isBinary) => {
    seen();
    counters.messagesIn++;
    counters.bytesIn += data.length;
    if (ws.readyState !== WebSocket.OPEN) return; // closing: it has left its rooms, nothing more is answered
    try {
      if (conn.route === '/echo') send(conn, data, isBinary);
      else onChatMessage(conn, data, isBinary);
    } catch (e) {
      counters.internalErrors++;
      process.stderr.write(`node-ws: closing a connection after an internal error: ${e.stack}\n`);
      closeAndRetire(conn, 1011, 'internal error');
    }
  });
});

/** Handshake failures found by ws, answered with PROTOCOL.md's status codes. */
wss.on('wsClientError', (err, socket) => {
  if (/method/i.test(err.message)) rejectRaw(socket, 405, 'the WebSocket handshake is a GET', { Allow: 'GET' });
  else if (/Sec-WebSocket-Version/i.test(err.message)) rejectRaw(socket, 426, 'Sec-WebSocket-Version must be 13\n', { 'Sec-WebSocket-Version': '13' });
  else rejectRaw(socket, 400, `${err.message}\n`);
});

/** Silent connections: ping after one idle interval, close 1001 after another without an answer. */
function sweepIdle() {
  const now = Date.now();
  for (const conn of connections) {
    if (conn.ws.readyState !== WebSocket.OPEN) continue;
    if (conn.pingedAt === 0) {
      if (now - conn.lastSeen >= options.idleIntervalMs) {
        conn.pingedAt = now;
        conn.ws.ping();
      }
    } else if (now - conn.pingedAt >= options.idleIntervalMs) {
      counters.idleCloses++;
      closeAndRetire(conn, 1001, 'idle');
    }
  }
}

const sweeper = setInterval(sweepIdle, Math.max(10, Math.min(1000, Math.floor(options.idleIntervalMs / 10))));

// ---------------------------------------------------------------------------------------------
// HTTP

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chatlab (node-ws)</title>
<style>body{font:15px system-ui,sans-serif;max-width:40em;margin:2em auto}#log{height:20em;overflow:auto;border:1px solid #ccc;padding:.5em;white-space:pre-wrap}</style>
</head><body>
<h1>chatlab <small>model=node-ws</small></h1>
<p><input id="room" value="lobby" size="12"> <input id="name" placeholder="your name" size="12"> <button id="join">join</button></p>
<div id="log"></div>
<p><input id="text" size="50" placeholder="say something"> <button id="say">say</button></p>
<script>
const $ = (id) => document.getElementById(id);
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
const log = (line) => { $('log').textContent += line + '\\n'; $('log').scrollTop = 1e9; };
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.type === 'message') log('[' + m.room + '] ' + m.from + ': ' + m.text);
  else if (m.type === 'presence') log('[' + m.room + '] ' + m.name + ' ' + m.event + 's (' + m.members + ')');
  else log(JSON.stringify(m));
};
ws.onclose = (e) => log('closed ' + e.code + ' ' + e.reason);
$('join').onclick = () => ws.send(JSON.stringify({ type: 'join', room: $('room').value, name: $('name').value }));
$('say').onclick = () => { ws.send(JSON.stringify({ type: 'say', room: $('room').value, text: $('text').value })); $('text').value = ''; };
</script>
</body></html>
`;

function pathOf(url) {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

const PLAIN = 'text/plain; charset=utf-8';

/** A complete HTTP answer: status, content type, body and any extra headers. */
function answer(status, type, body, headers) {
  return { status, type, body, headers };
}

/** What a request that is not upgraded gets: the page, /stats, 404 or 405 (400 for /ws or /echo). */
function route(req) {
  const path = pathOf(req.url);
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  switch (path) {
    case '/':
      if (!readOnly) return answer(405, PLAIN, 'use GET\n', { Allow: 'GET, HEAD' });
      return answer(200, 'text/html; charset=utf-8', PAGE);
    case '/stats':
      if (!readOnly) return answer(405, PLAIN, 'use GET\n', { Allow: 'GET, HEAD' });
      return answer(200, 'application/json', statsJson(asksForFullGc(req.url)), { 'Cache-Control': 'no-store' });
    case '/ws':
    case '/echo':
      if (req.method !== 'GET') return answer(405, PLAIN, 'the WebSocket handshake is a GET\n', { Allow: 'GET' });
      return answer(400, PLAIN, req.headers.upgrade === undefined
        ? 'missing header Upgrade: websocket\n' : 'missing header Connection: upgrade\n');
    default:
      return answer(404, PLAIN, `no such path: ${path}\n`);
  }
}

function onRequest(req, res) {
  counters.httpRequests++;
  const a = route(req);
  if (a.status >= 400) counters.httpRejects++;
  res.writeHead(a.status, { 'Content-Type': a.type, 'Content-Length': Buffer.byteLength(a.body), ...a.headers });
  res.end(a.body);
}

/** Answers on a socket that has left the HTTP parser (the 'upgrade' path, client errors), then closes it. */
function writeRaw(socket, a, headOnly) {
  if (a.status >= 400) counters.httpRejects++;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const head = { 'Content-Type': a.type, 'Content-Length': Buffer.byteLength(a.body), Connection: 'close', ...a.headers };
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${a.status} ${http.STATUS_CODES[a.status]}\r\n` +
    Object.entries(head).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n' + (headOnly ? '' : a.body));
}

function rejectRaw(socket, status, body, headers) {
  writeRaw(socket, answer(status, PLAIN, body, headers), false);
}

/**
 * Node hands every request with an Upgrade header here. /ws and /echo go to ws; any other
 * upgrade (Java's HttpClient asks for h2c, for one) is declined by answering in HTTP/1.1.
 */
function onUpgrade(req, socket, head) {
  counters.httpRequests++;
  const path = pathOf(req.url);
  if (path !== '/ws' && path !== '/echo') return writeRaw(socket, route(req), req.method === 'HEAD');
  if (stopping) return rejectRaw(socket, 503, 'shutting down\n');
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, path));
}

/** Requests the parser refused: an oversized head is 431, a slow one is dropped. */
function onClientError(err, socket) {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    counters.headTimeouts++;
    socket.destroy();
    return;
  }
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
    counters.ioErrors++;
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') return rejectRaw(socket, 431, 'request head over 8 KiB\n');
  return rejectRaw(socket, 400, `bad request (${err.code})\n`);
}

const server = http.createServer({
  maxHeaderSize: MAX_HEAD_BYTES,
  headersTimeout: options.headTimeoutMs,
  requestTimeout: Math.max(300_000, options.headTimeoutMs),
  connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(options.headTimeoutMs / 10))),
}, onRequest);
server.on('upgrade', onUpgrade);
server.on('clientError', onClientError);
server.on('error', (e) => {
  process.stderr.write(`node-ws: cannot listen on ${options.host}:${options.port}: ${e.message}\n`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  const address = server.address();
  const host = address.family === 'IPv6' || address.family === 6 ? `[${address.address}]` : address.address;
  process.stdout.write(`chatlab listening on ${host}:${address.port} model=${MODEL}\n`);
});

// ---------------------------------------------------------------------------------------------
// Shutdown: close every WebSocket with 1001, give the handshakes a moment, exit 0

function exit() {
  process.exit(0);
}

function shutdown() {
  if (stopping) return;
  stopping = true;
  clearInterval(sweeper);
  server.close();
  server.closeIdleConnections();
  for (const conn of connections) {
    conn.ws.close(1001, 'server shutting down');
  }
  if (connections.size === 0) exit();
  setTimeout(() => {
    for (const conn of connections) conn.ws.terminate();
    exit();
  }, SHUTDOWN_GRACE_MS);
}

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
if (options.exitOnStdinEof) {
  // Started by a parent that keeps our stdin open (NodeWsServer): when it goes, so do we.
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
