/**
 * One browser scenario against a running server:
 *   node scenarios/run.mjs chat|restart|fallback|tabs BASE_URL [TRANSPORT] [MODEL]
 * The JUnit tests of this module start the server, run this, and answer its requests on stdin.
 */
import { run } from './lib.mjs';
import { chat } from './chat.mjs';
import { restart } from './restart.mjs';
import { fallback } from './fallback.mjs';
import { tabs } from './tabs.mjs';

const SCENARIOS = { chat, restart, fallback, tabs };
const [name, base, transport = 'auto', model = ''] = process.argv.slice(2);
if (!SCENARIOS[name] || !base) {
  process.stderr.write(`usage: node scenarios/run.mjs ${Object.keys(SCENARIOS).join('|')} BASE_URL [TRANSPORT] [MODEL]\n`);
  process.exit(2);
}
await run((browser) => SCENARIOS[name](browser, { base, transport, model }));
