import { expectExactlyOnce, log, openPage, say, screenshot, shown, uniqueRoom, waitShown, waitState } from './lib.mjs';

/**
 * Two people (two browser profiles, so nothing is shared between them) chat over one transport:
 * each sees the other's messages and their own, once each, in the same order; each sees the other
 * arrive; the page says which transport carries it; the /stats panel shows the server.
 */
export async function chat(browser, { base, transport, model }) {
  const room = uniqueRoom(`chat-${transport}`);
  const alice = await openPage(await browser.newContext(), base, { room, name: 'alice', transport });
  await waitState(alice);
  log('alice live');
  const bob = await openPage(await browser.newContext(), base, { room, name: 'bob', transport });
  await waitState(bob);
  log('bob live');
  for (const page of [alice, bob]) {
    const used = await page.$eval('#transport', (el) => el.dataset.transport);
    if (used !== transport) throw new Error(`${page.chatName}: page says transport '${used}', expected '${transport}'`);
  }
  await alice.waitForFunction(() => [...document.querySelectorAll('#messages li.note.presence')]
    .some((li) => li.textContent.startsWith('bob joined')), null, { timeout: 15_000 });
  log('alice saw bob join');

  const texts = [];
  for (let i = 1; i <= 3; i++) {
    for (const page of [alice, bob]) {
      const text = `${page.chatName} says ${i} over ${transport}`;
      texts.push(text);
      await say(page, text);
    }
  }
  log('all said');
  for (const page of [alice, bob]) {
    await waitShown(page, texts);
    await expectExactlyOnce(page, texts);
  }
  log('all shown');
  const order = async (page) => (await shown(page)).map((m) => `${m.seq}:${m.text}`).join('|');
  if (await order(alice) !== await order(bob)) {
    throw new Error(`the pages show different orders:\n alice ${await order(alice)}\n bob   ${await order(bob)}`);
  }
  // The /stats panel polls every 2 s; the server's model name is the first field it fills in.
  await alice.waitForFunction((expected) => document.querySelector('[data-stat=model]').textContent === expected
      && /^\d+$/.test(document.querySelector('[data-stat=threads]').textContent),
    model, { timeout: 15_000 });
  log(`chat over ${transport}: ${texts.length} messages on both pages, same order`);
  await screenshot(alice, 'alice');
  await screenshot(bob, 'bob');
}
