import { describe, expectExactlyOnce, log, openPage, say, screenshot, uniqueRoom, waitShown, waitState } from './lib.mjs';

/**
 * The server refuses /ws (started with WebSocket chat turned off): 'auto' must fall back to the
 * next transport, server-sent events, say so on the page, and chat over it.
 */
export async function fallback(browser, { base }) {
  const room = uniqueRoom('fallback');
  const alice = await openPage(await browser.newContext(), base, { room, name: 'alice', transport: 'auto' });
  const bob = await openPage(await browser.newContext(), base, { room, name: 'bob', transport: 'auto' });
  for (const page of [alice, bob]) {
    await waitState(page);
    const used = await page.$eval('#transport', (el) => el.dataset.transport);
    const detail = await page.$eval('#detail', (el) => el.textContent);
    if (used !== 'sse') throw new Error(`${page.chatName}: auto chose '${used}' with /ws refused, expected sse; ${await describe(page)}`);
    if (!detail.includes('websocket')) throw new Error(`${page.chatName}: the page does not say why WebSocket was left: '${detail}'`);
  }
  const texts = ['alice without websocket', 'bob without websocket'];
  await say(alice, texts[0]);
  await say(bob, texts[1]);
  for (const page of [alice, bob]) {
    await waitShown(page, texts);
    await expectExactlyOnce(page, texts);
  }
  log('auto fell back to sse with /ws refused');
  await screenshot(alice, 'alice');
}
