import { askServer, expectExactlyOnce, log, openPage, say, screenshot, uniqueRoom, waitShown, waitState } from './lib.mjs';

/**
 * The server is stopped and started again on the same port, having lost every room. Messages
 * typed before, during and after the outage must each reach both pages exactly once: the one
 * typed just before the stop may or may not have been taken by the old server (its echo may be
 * lost with it), the ones typed during the outage wait in the outbox, and after the restart the
 * server numbers from 1 again, which the client must notice.
 */
export async function restart(browser, { base, transport }) {
  const room = uniqueRoom(`restart-${transport}`);
  const alice = await openPage(await browser.newContext(), base, { room, name: 'alice', transport });
  const bob = await openPage(await browser.newContext(), base, { room, name: 'bob', transport });
  await waitState(alice);
  await waitState(bob);

  const before = ['alice before', 'bob before'];
  await say(alice, before[0]);
  await say(bob, before[1]);
  for (const page of [alice, bob]) await waitShown(page, before);

  // Typed just as the server goes: neither page waits for it to be acknowledged.
  await say(alice, 'alice at the stop');
  await askServer('stop');
  const during = ['alice during', 'bob during'];
  await say(alice, during[0]);
  await say(bob, during[1]);
  // Both pages must have tried to reconnect and failed at least once (the page then names the
  // transport that failed), so the restart happens while they are backing off.
  for (const page of [alice, bob]) {
    await waitState(page, ['reconnecting']);
    await page.waitForFunction((t) => document.getElementById('detail').textContent.startsWith(`${t}:`),
      transport, { timeout: 45_000, polling: 100 });
  }
  await screenshot(alice, 'alice-outage');

  await askServer('start');
  await waitState(alice);
  await waitState(bob);
  const after = ['alice after', 'bob after'];
  await say(alice, after[0]);
  await say(bob, after[1]);

  const all = [...before, 'alice at the stop', ...during, ...after];
  for (const page of [alice, bob]) {
    await waitShown(page, all);
    await expectExactlyOnce(page, all);
  }
  log(`restart over ${transport}: ${all.length} messages, each once on both pages`);
  await screenshot(alice, 'alice');
  await screenshot(bob, 'bob');
}
