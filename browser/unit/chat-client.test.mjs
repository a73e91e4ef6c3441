/**
 * ChatClient (the page's client library) against an in-memory server: resume, restarts,
 * exactly-once sending, gaps, liveness and backoff, each case made to happen on purpose.
 * Run: node --test unit/ (ClientLibraryTest runs it with the Maven build).
 */
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, FakeTransport } from './fake-server.mjs';

const LIBRARY = new URL('../../protocol/src/main/resources/chatlab/web/static/', import.meta.url);
const { ChatClient, TRANSPORTS, backoffDelay } = await import(new URL('chatlab.js', LIBRARY));
const { DEAD_MS, HEARTBEAT_MS, MAX_RETRY_MS } = await import(new URL('chat-client.js', LIBRARY));
TRANSPORTS.fake = FakeTransport;

let server;
const clients = [];

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  server = new FakeServer();
  FakeTransport.server = server;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.timers.reset();
});

/** Lets deliveries (setImmediate) and promise chains run. */
async function flush() {
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Moves the mocked clock forward in small steps, letting everything due run in between. */
async function advance(ms, step = 50) {
  for (let passed = 0; passed < ms; passed += step) {
    mock.timers.tick(step);
    await flush();
  }
}

/** A client that records what it shows, its states and its notices. */
function open(name, room = 'r') {
  const client = new ChatClient({ room, name, transport: 'fake', base: 'http://127.0.0.1:1/' });
  const seen = { texts: [], states: [], notices: [], outbox: [] };
  client.on('message', ({ message }) => seen.texts.push(message.text));
  client.on('state', ({ state }) => seen.states.push(state));
  client.on('notice', ({ kind }) => seen.notices.push(kind));
  client.on('outbox', (entries) => { seen.outbox = entries; });
  clients.push(client);
  client.seen = seen;
  client.transport = null;
  return client;
}

async function live(...all) {
  await advance(100);
  for (const client of all) assert.equal(client.seen.states.at(-1), 'live', `${client.name} is live`);
}

/** The whole reconnect path: at most the longest backoff, plus the resume. */
async function reconnect() {
  await advance(MAX_RETRY_MS + 500);
}

test('two clients see every message once, in the same order, and their outboxes empty', async () => {
  const alice = open('alice');
  const bob = open('bob');
  await live(alice, bob);
  alice.say('a1');
  bob.say('b1');
  alice.say('a2');
  await advance(100);
  assert.deepEqual(alice.seen.texts, ['a1', 'b1', 'a2']);
  assert.deepEqual(bob.seen.texts, alice.seen.texts);
  assert.deepEqual(alice.seen.outbox, []);
  assert.equal(server.kept('r').length, 3, 'the server took each message once');
});

test('a dropped connection resumes: what others said meanwhile is replayed, what was typed meanwhile is sent once', async () => {
  const alice = open('alice');
  const bob = open('bob');
  await live(alice, bob);
  bob.say('before');
  await advance(100);
  const aliceConnection = [...server.connections].find((c) => server.rooms.get('r').members.get(c) === 'alice');
  aliceConnection.drop('network');
  await advance(10);
  assert.equal(alice.seen.states.at(-1), 'reconnecting');
  bob.say('while alice was away');
  alice.say('typed while away');
  await reconnect();
  assert.equal(alice.seen.states.at(-1), 'live');
  assert.deepEqual(alice.seen.texts, ['before', 'while alice was away', 'typed while away']);
  assert.deepEqual(bob.seen.texts, ['before', 'while alice was away', 'typed while away']);
  assert.deepEqual(server.kept('r').map((m) => m.text), ['before', 'while alice was away', 'typed while away']);
});

test('a message the server took whose echo was lost is not sent again: the replay acknowledges it', async () => {
  const alice = open('alice');
  await live(alice);
  FakeTransport.last.deaf = true; // the server still takes what alice says; nothing comes back
  alice.say('taken, echo lost');
  await advance(100);
  assert.equal(server.kept('r').length, 1);
  assert.equal(alice.seen.outbox.length, 1, 'not acknowledged yet');
  FakeTransport.last.drop('network');
  await reconnect();
  assert.deepEqual(alice.seen.texts, ['taken, echo lost']);
  assert.deepEqual(alice.seen.outbox, []);
  assert.equal(server.kept('r').length, 1, 'the server has it once: it was not sent again');
});

test('after a restart with fewer messages than the client had seen (numbering went backwards), nothing is lost or doubled', async () => {
  const alice = open('alice');
  const bob = open('bob');
  await live(alice, bob);
  for (const text of ['1', '2', '3', '4', '5']) alice.say(text);
  await advance(100);
  server.up = false;
  server.dropAll({ forget: true });
  alice.say('alice during');
  bob.say('bob during');
  await advance(2000);
  server.up = true;
  await reconnect();
  alice.say('after');
  await advance(200);
  const expected = ['1', '2', '3', '4', '5', 'alice during', 'bob during', 'after'];
  for (const client of [alice, bob]) {
    assert.deepEqual([...client.seen.texts].sort(), [...expected].sort(), `${client.name} shows each message once`);
    assert.ok(client.seen.notices.includes('restart'), `${client.name} noticed the restart`);
  }
  const kept = server.kept('r').map((m) => m.text);
  for (const text of ['alice during', 'bob during', 'after']) assert.ok(kept.includes(text), `the new server has '${text}': ${kept}`);
});

test('after a restart where others already said more than the client had seen, the new history is taken from 1', async () => {
  const alice = open('alice');
  await live(alice);
  alice.say('old 1');
  alice.say('old 2');
  await advance(100);
  server.up = false;
  server.dropAll({ forget: true });
  await advance(500);
  server.up = true;
  // Before alice is back, the new server numbers three messages from someone else: 1, 2, 3.
  server.sayAs('r', 'carol', 'new 1', 'carol-1');
  server.sayAs('r', 'carol', 'new 2', 'carol-2');
  server.sayAs('r', 'carol', 'new 3', 'carol-3');
  await reconnect();
  assert.deepEqual(alice.seen.texts, ['old 1', 'old 2', 'new 1', 'new 2', 'new 3'],
    'seq 2 of the new server is not alice\'s "old 2": she must not resume after it');
  assert.ok(alice.seen.notices.includes('restart'));
  server.sayAs('r', 'carol', 'new 4', 'carol-4');
  await advance(100);
  assert.equal(alice.seen.texts.at(-1), 'new 4', 'live again on the new numbering');
});

test('a message sent again after a restart that the other client had already seen is not shown twice', async () => {
  const alice = open('alice');
  const bob = open('bob');
  await live(alice, bob);
  const aliceConnection = FakeTransport.last === null ? null : [...server.connections].find((c) => server.rooms.get('r').members.get(c) === 'alice');
  aliceConnection.deaf = true; // bob gets alice's message, alice never sees her echo
  alice.say('seen by bob only');
  await advance(100);
  assert.deepEqual(bob.seen.texts, ['seen by bob only']);
  server.up = false;
  server.dropAll({ forget: true });
  await advance(500);
  server.up = true;
  await reconnect();
  assert.deepEqual(server.kept('r').map((m) => m.text), ['seen by bob only'], 'alice sent it again to the new server');
  assert.deepEqual(alice.seen.texts, ['seen by bob only']);
  assert.deepEqual(bob.seen.texts, ['seen by bob only'], 'bob drops the copy by its id');
});

test('a message the server echoed to its sender and took down with it before the others got it is said again', async () => {
  const alice = open('alice');
  const bob = open('bob');
  await live(alice, bob);
  alice.say('seen by both');
  await advance(100);
  const bobConnection = [...server.connections].find((c) => server.rooms.get('r').members.get(c) === 'bob');
  bobConnection.deaf = true; // bob's copy is still queued when the server dies
  alice.say('echoed to alice only');
  await advance(100);
  assert.deepEqual(alice.seen.texts, ['seen by both', 'echoed to alice only']);
  server.up = false;
  server.dropAll({ forget: true });
  await advance(500);
  server.up = true;
  await reconnect();
  await reconnect();
  assert.deepEqual(bob.seen.texts, ['seen by both', 'echoed to alice only'], 'bob gets it from the new server');
  assert.deepEqual(alice.seen.texts, ['seen by both', 'echoed to alice only'], 'alice drops her own copy by id');
  assert.deepEqual(alice.seen.outbox, []);
});

test('a replay the server could not complete shows the gap state and a notice', async () => {
  server = new FakeServer({ history: 3 });
  FakeTransport.server = server;
  const alice = open('alice');
  await live(alice);
  server.sayAs('r', 'bob', 'seen', 'bob-0');
  await advance(100);
  FakeTransport.last.drop('network');
  for (let i = 1; i <= 6; i++) server.sayAs('r', 'bob', `missed ${i}`, `bob-${i}`);
  await reconnect();
  assert.equal(alice.seen.states.at(-1), 'gap');
  assert.ok(alice.seen.notices.includes('gap'));
  assert.deepEqual(alice.seen.texts, ['seen', 'missed 4', 'missed 5', 'missed 6']);
});

test('a connection that goes silent is found dead within 35 s, and the client comes back', async () => {
  const alice = open('alice');
  await live(alice);
  const lost = new Promise((resolve) => alice.on('state', ({ state }) => state === 'reconnecting' && resolve(Date.now())));
  const silentSince = Date.now();
  FakeTransport.last.silent = true;
  await advance(HEARTBEAT_MS + 1000);
  assert.equal(alice.seen.states.at(-1), 'live', 'a heartbeat went out; not dead yet');
  await advance(35_000 - HEARTBEAT_MS - 1000);
  assert.ok(alice.seen.states.includes('reconnecting'), 'found dead');
  const noticedAfter = (await lost) - silentSince;
  assert.ok(noticedAfter > HEARTBEAT_MS && noticedAfter <= 35_000, `noticed after ${noticedAfter} ms of silence`);
  await reconnect();
  assert.equal(alice.seen.states.at(-1), 'live');
});

test('a quiet room stays live: the heartbeat is answered', async () => {
  const alice = open('alice');
  await live(alice);
  await advance(3 * DEAD_MS);
  assert.ok(!alice.seen.states.includes('reconnecting'), `states: ${alice.seen.states}`);
});

test('a client never gives up while the server is down, and connects when it is back', async () => {
  server.up = false;
  const alice = open('alice');
  await advance(60_000);
  assert.equal(alice.seen.states.at(-1), 'reconnecting');
  server.up = true;
  await reconnect();
  assert.equal(alice.seen.states.at(-1), 'live');
});

test('backoff: first retry within 0.5-1.5 s, then doubling with 50% jitter, never over 5 s', () => {
  mock.timers.reset();
  assert.equal(backoffDelay(0, () => 0), 500);
  assert.equal(backoffDelay(0, () => 1), 1500);
  assert.equal(backoffDelay(1, () => 0.5), 2000);
  for (let failures = 0; failures < 40; failures++) {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const delay = backoffDelay(failures, () => r);
      assert.ok(delay > 0 && delay <= MAX_RETRY_MS, `failures ${failures}, random ${r}: ${delay}`);
    }
  }
  const late = [0, 1].map((r) => backoffDelay(30, () => r));
  assert.ok(late[1] / late[0] >= 2.9, `the jitter survives the cap: ${late}`);
});
