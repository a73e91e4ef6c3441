import { parseMessage } from '../transport.js';

/**
 * Exercise 1: the WebSocket transport of the page's client library.
 *
 * The page already chats over server-sent events and over polling (sse.js, polling.js beside
 * this file, as the server serves them: /static/transports/). Each is a small class behind one
 * interface, described at the top of ../transport.js: name, connect(), send(messages), close(),
 * onmessage, onclose. The ChatClient on top does everything else (rooms, retries, resume,
 * duplicates) the same way over every transport. This file is the same interface over one
 * WebSocket to /ws: one JSON text message per chat message, both ways.
 *
 * The server serves this file in place of the page's own while you check it
 * (./chatlab exercise check 1), or while you try it (./chatlab serve ... --web, docs/exercises/1-websocket.md).
 */
export class WebSocketTransport {
  name = 'websocket';
  onmessage = () => {};
  onclose = () => {};
  #url;

  constructor(base) {
    // base is the server's http(s) URL; the socket's is the same server with ws(s): and /ws.
    this.#url = new URL('/ws', base);
    this.#url.protocol = this.#url.protocol === 'https:' ? 'wss:' : 'ws:';
  }

  connect() {
    // TODO 1: open a WebSocket to this.#url. Resolve when it opens (onopen); reject with an
    //         Error saying why when it closes before opening (a refused handshake ends there too:
    //         the browser does not tell scripts the HTTP status, only that the socket closed).
    // TODO 2: every message that arrives is one JSON object: parseMessage(event.data), and give
    //         what is not null to this.onmessage.
    // TODO 3: when the open socket closes, call this.onclose(reason) once - unless close() was
    //         called first (no callback after close()).
    return Promise.reject(new Error('WebSocketTransport.connect is not written yet (TODO 1 to 3)'));
  }

  send(messages) {
    // TODO 4: send each message, in order, as its own text message (JSON.stringify). Resolve once
    //         handed to the socket; reject when the socket is not open.
    return Promise.reject(new Error('WebSocketTransport.send is not written yet (TODO 4)'));
  }

  close() {
    // TODO 5: close the socket (1000) if it is open or opening, and make sure onclose is not called after this.
  }
}
