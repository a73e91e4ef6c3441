/**
 * What every scenario needs: Chromium from the system (never a downloaded browser), chat pages,
 * waits on what a page shows, and the line protocol with the JUnit test that owns the server.
 *
 * Lines on stdout, one JSON object each, are for the JUnit side:
 *   {"ask":"stop"} / {"ask":"start"}   stop the server / start it again on the same port; the test
 *                                      answers "stopped" / "started" on our stdin
 *   {"result":"ok"} | {"result":"failed","reason":...}   the last line
 * Anything else goes to stderr, which the test keeps as a log.
 */
import { createInterface } from 'node:readline';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHATLAB_CHROMIUM ?? '/usr/bin/chromium';
/**
 * The longest a page may take to show what a scenario waits for (a reconnect after a restart
 * included); CHATLAB_WAIT_MS shortens it (the exercise track's test, for a starter that never connects).
 */
export const WAIT_MS = Number(process.env.CHATLAB_WAIT_MS ?? 45_000);

/** Flags for Chromium as root in a container, headless, and quiet on the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

export function log(...parts) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${parts.join(' ')}\n`);
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the JUnit test to do something to the server and waits for its answer. */
export async function askServer(what) {
  process.stdout.write(JSON.stringify({ ask: what }) + '\n');
  const { value, done } = await stdinLines.next();
  if (done) throw new Error(`the test closed our stdin instead of answering '${what}'`);
  log(`server: ${value.trim()}`);
}

/** A room no earlier run used: a first join shows the room's history, which would mix runs. */
export function uniqueRoom(prefix) {
  return `${prefix}-${Date.now().toString(36)}`;
}

/** Opens the chat page in `context` and joins: `/?room=..&name=..&transport=..`. */
export async function openPage(context, base, { room, name, transport, shared = true }) {
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`${name}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log(`${name}: console ${message.type()}: ${message.text()}`);
  });
  const query = new URLSearchParams({ room, name, transport, ...(shared ? {} : { shared: '0' }) });
  await page.goto(new URL(`/?${query}`, base).href);
  page.chatName = name;
  return page;
}

/** Waits until the page's state badge shows one of `states` (live by default). */
export async function waitState(page, states = ['live']) {
  try {
    await page.waitForFunction((wanted) => wanted.includes(document.getElementById('status').dataset.state),
      states, { timeout: WAIT_MS, polling: 100 });
  } catch (error) {
    throw new Error(`${page.chatName}: state never became ${states.join('/')}; it is ${await describe(page)}`);
  }
}

/** The page's header, for failure messages. */
export async function describe(page) {
  return page.evaluate(() => ['status', 'transport', 'sharing', 'detail']
    .map((id) => `${id}=${JSON.stringify(document.getElementById(id).textContent)}`).join(' '));
}

/** Types a message and presses Enter, as a person would. */
export async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

/** The chat messages the page shows, in order. */
export function shown(page) {
  return page.$$eval('#messages li.message', (items) => items.map((item) => ({
    id: item.dataset.id, seq: Number(item.dataset.seq), from: item.dataset.from, text: item.querySelector('.text').textContent,
  })));
}

/** Waits until the page shows every text in `texts`, and the outbox is empty. */
export async function waitShown(page, texts) {
  try {
    await page.waitForFunction((wanted) => {
      const seen = new Set([...document.querySelectorAll('#messages li.message .text')].map((el) => el.textContent));
      return wanted.every((text) => seen.has(text)) && document.querySelectorAll('#outbox li').length === 0;
    }, texts, { timeout: WAIT_MS, polling: 100 });
  } catch (error) {
    const have = (await shown(page)).map((m) => m.text);
    throw new Error(`${page.chatName}: missing ${JSON.stringify(texts.filter((t) => !have.includes(t)))} `
      + `(shows ${JSON.stringify(have)}, outbox ${JSON.stringify(await page.$$eval('#outbox li', (l) => l.map((i) => i.textContent)))}); ${await describe(page)}`);
  }
}

/** Fails unless the page shows each of `texts` exactly once and nothing else. */
export async function expectExactlyOnce(page, texts) {
  const have = (await shown(page)).map((m) => m.text);
  const counts = new Map();
  for (const text of have) counts.set(text, (counts.get(text) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([text]) => text);
  const missing = texts.filter((text) => !counts.has(text));
  const extra = have.filter((text) => !texts.includes(text));
  if (twice.length || missing.length || extra.length) {
    throw new Error(`${page.chatName}: shown twice ${JSON.stringify(twice)}, missing ${JSON.stringify(missing)}, `
      + `unexpected ${JSON.stringify(extra)}; all: ${JSON.stringify(have)}`);
  }
}

/** Where screenshots go (a folder the JUnit test names, under target/). */
export function artifacts() {
  const dir = process.env.CHATLAB_ARTIFACTS ?? 'target/browser-artifacts';
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts(), `${name}.png`) });
}

/** Runs a scenario and prints its result line; exit code 0 when it passed. */
export async function run(scenario) {
  let browser = null;
  try {
    browser = await launch();
    await scenario(browser);
    process.stdout.write(JSON.stringify({ result: 'ok' }) + '\n');
    process.exitCode = 0;
  } catch (error) {
    log(error.stack ?? String(error));
    process.stdout.write(JSON.stringify({ result: 'failed', reason: error.message }) + '\n');
    process.exitCode = 1;
  } finally {
    await browser?.close().catch(() => {});
    process.stdin.destroy();
  }
}
