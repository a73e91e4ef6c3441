/**
 * The chat page: a form to join, the room's messages, a box to type in, and the /stats panel.
 * It uses the library (chatlab.js) and nothing else; everything about connections is there.
 *
 * The page also joins at once when its address names a room and a name:
 * /?room=lobby&name=alice&transport=sse (and &shared=0 to use a connection of the tab's own).
 */
import { openChat, TRANSPORT_CHOICES, watchStats } from './chatlab.js';

const ROOM = /^[A-Za-z0-9_.-]{1,64}$/;
const $ = (id) => document.getElementById(id);
let chat = null;

function setUp() {
  for (const choice of TRANSPORT_CHOICES) $('transport-choice').append(new Option(choice, choice));
  const query = new URLSearchParams(location.search);
  const saved = JSON.parse(localStorage.getItem('chatlab.join') ?? '{}');
  $('name').value = query.get('name') ?? saved.name ?? '';
  $('room').value = query.get('room') ?? saved.room ?? 'lobby';
  $('transport-choice').value = TRANSPORT_CHOICES.includes(query.get('transport')) ? query.get('transport') : saved.transport ?? 'auto';
  $('shared').checked = query.get('shared') !== '0';
  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });
  $('say-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value;
    if (text.trim() === '' || !chat) return;
    chat.say(text);
    $('text').value = '';
  });
  $('leave').addEventListener('click', leave);
  watchStats(showStats);
  if (query.get('room') && query.get('name')) join();
}

function join() {
  const name = $('name').value.trim();
  const room = $('room').value.trim();
  const transport = $('transport-choice').value;
  if (!ROOM.test(room)) {
    $('detail').textContent = "room: 1 to 64 of letters, digits, '_', '.' and '-'";
    return;
  }
  if (name.length < 1 || name.length > 32) {
    $('detail').textContent = 'name: 1 to 32 characters';
    return;
  }
  localStorage.setItem('chatlab.join', JSON.stringify({ name, room, transport }));
  const url = new URL(location.href);
  url.search = new URLSearchParams({ room, name, transport, ...($('shared').checked ? {} : { shared: '0' }) }).toString();
  history.replaceState(null, '', url);

  $('messages').replaceChildren();
  $('outbox').replaceChildren();
  $('room-name').textContent = room;
  $('join-view').hidden = true;
  $('chat-view').hidden = false;
  chat = openChat({ room, name, transport, shared: $('shared').checked });
  chat.on('state', showState);
  chat.on('sharing', showSharing);
  chat.on('message', showMessage);
  chat.on('presence', showPresence);
  chat.on('members', showMembers);
  chat.on('outbox', showOutbox);
  chat.on('notice', showNotice);
  $('text').focus();
}

function leave() {
  chat?.close();
  chat = null;
  history.replaceState(null, '', location.pathname);
  $('chat-view').hidden = true;
  $('join-view').hidden = false;
  for (const id of ['status', 'transport', 'sharing']) $(id).dataset.state = 'idle';
  $('status').textContent = 'not joined';
  $('transport').textContent = '';
  $('sharing').textContent = '';
  $('detail').textContent = '';
}

function showState({ state, transport, mode, detail, retryInMs }) {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = state === 'reconnecting' && retryInMs > 0 ? `reconnecting in ${(retryInMs / 1000).toFixed(1)} s` : state;
  const shown = $('transport');
  shown.dataset.transport = transport ?? '';
  shown.textContent = transport ? `${transport}${mode === 'auto' ? ' (auto)' : ''}` : '';
  $('detail').textContent = detail ?? '';
}

function showSharing({ shared, tabs, why }) {
  const sharing = $('sharing');
  sharing.dataset.shared = String(shared);
  sharing.dataset.tabs = String(tabs);
  sharing.textContent = shared ? `shared by ${tabs} tab${tabs === 1 ? '' : 's'}` : 'not shared';
  sharing.title = shared ? 'one connection, held by a SharedWorker, serves every tab of this browser in this room' : why;
}

function showMessage({ message, mine }) {
  const item = document.createElement('li');
  item.className = mine ? 'message mine' : 'message';
  item.dataset.id = message.id ?? '';
  item.dataset.seq = String(message.seq);
  item.dataset.from = message.from;
  const time = document.createElement('time');
  time.textContent = new Date(message.ts).toLocaleTimeString();
  const from = document.createElement('b');
  from.textContent = message.from;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text;
  item.append(time, from, text);
  append(item);
}

function showPresence({ name, event, members }) {
  note('presence', `${name} ${event === 'join' ? 'joined' : 'left'} (${members} here)`);
}

function showNotice({ kind, text }) {
  note(kind, text);
}

function note(kind, text) {
  const item = document.createElement('li');
  item.className = `note ${kind}`;
  item.textContent = text;
  append(item);
}

function append(item) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  while (list.children.length > 2000) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function showMembers({ count, names }) {
  const others = count - names.length;
  $('members').textContent = `${count} here: ${names.join(', ')}${others > 0 ? ` and ${others} more` : ''}`;
}

function showOutbox(entries) {
  $('outbox').replaceChildren(...entries.map(({ id, text }) => {
    const item = document.createElement('li');
    item.dataset.id = id;
    item.textContent = text;
    return item;
  }));
}

const BYTES = ['heapUsedBytes', 'rssBytes'];

function showStats(stats) {
  const panel = $('stats');
  panel.classList.toggle('down', Boolean(stats.error));
  if (stats.error) {
    panel.querySelector('[data-stat=model]').textContent = `(unreachable: ${stats.error})`;
    return;
  }
  for (const cell of panel.querySelectorAll('[data-stat]')) {
    const field = cell.dataset.stat;
    const value = stats[field];
    if (value === undefined || value === null) continue;
    if (cell.classList.contains('optional')) {
      // a field this server has (not every server reports it): show its row
      cell.classList.remove('optional');
      cell.previousElementSibling.classList.remove('optional');
    }
    cell.textContent = BYTES.includes(field) ? `${(value / 1048576).toFixed(1)} MiB`
      : field === 'uptimeMillis' ? `${Math.round(value / 1000)} s`
      : field.endsWith('PerSecond') ? value.toFixed(1)
      : String(value);
  }
}

setUp();
