import { ChatClient } from './chat-client.js';

/**
 * The SharedWorker behind openChat(): one ChatClient, so one connection, for all the tabs of this
 * browser that chat in the same room under the same name over the same transport choice. Browsers
 * allow six HTTP/1.1 connections per host across all tabs: with a connection per tab, the seventh
 * tab on SSE or long polling would wait for a free one forever.
 *
 * Tabs talk to it over their MessagePort: {op: 'open', options, tabId}, {op: 'say', text},
 * {op: 'close'}. It answers with the client's events ({event, detail}), after a 'snapshot' that
 * brings a late tab up to date (state, members, outbox and the recent messages). When the last
 * tab of a chat leaves, its client leaves the room and closes. A tab that closes says so on
 * 'pagehide'; one that crashes is noticed through a Web Lock it held until it died.
 */

const RECENT_EVENTS = 300;
const chats = new Map(); // key -> SharedChat

class SharedChat {
  key;
  client;
  ports = new Set();
  recent = [];

  constructor(key, options) {
    this.key = key;
    this.client = new ChatClient(options);
    for (const event of ['state', 'message', 'members', 'presence', 'outbox', 'notice']) {
      this.client.on(event, (detail) => {
        if (event === 'message' || event === 'presence' || event === 'notice') {
          this.recent.push({ event, detail });
          if (this.recent.length > RECENT_EVENTS) this.recent.shift();
        }
        this.#broadcast({ event, detail });
      });
    }
  }

  add(port) {
    this.ports.add(port);
    port.postMessage({ event: 'snapshot', detail: { ...this.client.snapshot(), recent: this.recent } });
    this.#broadcast({ event: 'sharing', detail: { shared: true, tabs: this.ports.size } });
  }

  remove(port) {
    if (!this.ports.delete(port)) return;
    if (this.ports.size === 0) {
      this.client.close();
      chats.delete(this.key);
    } else {
      this.#broadcast({ event: 'sharing', detail: { shared: true, tabs: this.ports.size } });
    }
  }

  #broadcast(message) {
    for (const port of this.ports) port.postMessage(message);
  }
}

globalThis.onconnect = (connectEvent) => {
  const port = connectEvent.ports[0];
  let chat = null;
  port.onmessage = ({ data }) => {
    switch (data.op) {
      case 'open': {
        chat?.remove(port);
        const key = JSON.stringify([data.options.transport ?? 'auto', data.options.room, data.options.name]);
        chat = chats.get(key);
        if (!chat) {
          chat = new SharedChat(key, { ...data.options, base: globalThis.location.href });
          chats.set(key, chat);
        }
        chat.add(port);
        const opened = chat;
        // The tab holds this lock until it is gone, even if it crashes: then it is ours.
        globalThis.navigator.locks?.request(`chatlab-tab-${data.tabId}`, () => opened.remove(port));
        break;
      }
      case 'say':
        try {
          chat?.client.say(data.text);
        } catch (error) {
          port.postMessage({ event: 'notice', detail: { kind: 'error', text: error.message } });
        }
        break;
      case 'close':
        chat?.remove(port);
        chat = null;
        break;
      default:
        break;
    }
  };
  port.start();
};
