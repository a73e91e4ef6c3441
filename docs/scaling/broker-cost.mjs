// What one chat message costs the broker: drives MESSAGES messages through one room whose
// MEMBERS members are spread over the servers given, and waits until every member got every one.
// Read Redis's INFO before and after (docs/SCALING.md, "Measured here") for its CPU and commands.
//
//   node --experimental-websocket docs/scaling/broker-cost.mjs ws://127.0.0.1:P1 ws://127.0.0.1:P2 \
//        [--members 30] [--messages 5000] [--window 20] [--text 64]
//
// Node 20 or newer, no packages. Bounded: it stops after MESSAGES, or after 120 s with exit 1.
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const servers = args.filter((a, i) => a.startsWith('ws://') && !(i > 0 && args[i - 1].startsWith('--')));
const members = option('members', 30), messages = option('messages', 5000);
const windowSize = option('window', 20), text = 'x'.repeat(option('text', 64));
if (servers.length === 0) { console.error('usage: broker-cost.mjs ws://HOST:PORT... [--members N] [--messages N]'); process.exit(2); }
const room = 'cost-' + Math.random().toString(36).slice(2, 8);
setTimeout(() => { console.error('broker-cost: not done within 120 s'); process.exit(1); }, 120_000).unref();

function connect(url, name) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url + '/ws');
    ws.received = 0;
    ws.onerror = () => reject(new Error('cannot connect to ' + url));
    ws.onopen = () => {
      ws.onmessage = (event) => {
        const m = JSON.parse(event.data);
        if (m.type === 'joined') resolve(ws);
        else if (m.type === 'message') { ws.received++; ws.onRoomMessage?.(m); }
        else if (m.type === 'error') { console.error(name, 'error', event.data); process.exit(1); }
      };
      ws.send(JSON.stringify({ type: 'join', room, name }));
    };
  });
}

const clients = [];
for (let i = 0; i < members; i++) clients.push(await connect(servers[i % servers.length], 'm' + i));
const senders = clients.slice(0, servers.length); // one per server
const start = process.hrtime.bigint();
let sent = 0;
await Promise.all(senders.map((ws, s) => new Promise((resolve) => {
  let inFlight = 0, mine = 0;
  const quota = Math.floor(messages / senders.length) + (s < messages % senders.length ? 1 : 0);
  const pump = () => {
    while (inFlight < windowSize && mine < quota) {
      ws.send(JSON.stringify({ type: 'say', room, text, id: `s${s}-${mine++}` }));
      inFlight++; sent++;
    }
    if (mine === quota && inFlight === 0) resolve();
  };
  ws.onRoomMessage = (m) => { if (m.id?.startsWith(`s${s}-`)) { inFlight--; pump(); } };
  pump();
})));
while (clients.some((ws) => ws.received < messages)) await new Promise((r) => setTimeout(r, 10));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ room, servers: servers.length, members, messages: sent,
  deliveries: sent * members, seconds: +seconds.toFixed(3),
  deliveriesPerSecond: Math.round(sent * members / seconds) }));
clients.forEach((ws) => ws.close());
setTimeout(() => process.exit(0), 200);
