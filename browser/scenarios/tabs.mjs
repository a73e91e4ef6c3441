import { describe, expectExactlyOnce, log, openPage, say, screenshot, uniqueRoom, waitShown, waitState } from './lib.mjs';

const TABS = 8;

/**
 * Eight tabs of one browser chat over SSE. Browsers allow six HTTP/1.1 connections per host, so
 * with a stream per tab the seventh and eighth would wait forever (and every POST with them): the
 * tabs must share one connection, and each must say so. Then a tab closes and the others count it.
 */
export async function tabs(browser, { base }) {
  const context = await browser.newContext();
  const room = uniqueRoom('tabs');
  const pages = [];
  for (let i = 0; i < TABS; i++) {
    pages.push(await openPage(context, base, { room, name: 'carol', transport: 'sse' }));
    pages[i].chatName = `tab ${i + 1}`;
  }
  const texts = [];
  for (const page of pages) {
    await waitState(page);
    const text = `from ${page.chatName}`;
    texts.push(text);
    await say(page, text);
  }
  for (const page of pages) {
    await waitShown(page, texts);
    await expectExactlyOnce(page, texts);
    const tabs = await page.$eval('#sharing', (el) => el.dataset.tabs);
    if (tabs !== String(TABS)) throw new Error(`${page.chatName}: says it is shared by ${tabs} tabs, expected ${TABS}; ${await describe(page)}`);
  }
  await screenshot(pages[TABS - 1], 'tab-8');
  await pages[0].close({ runBeforeUnload: true });
  await pages[1].waitForFunction((n) => document.getElementById('sharing').dataset.tabs === String(n), TABS - 1, { timeout: 15_000 });
  log(`${TABS} tabs chatted over one shared SSE connection`);
}
