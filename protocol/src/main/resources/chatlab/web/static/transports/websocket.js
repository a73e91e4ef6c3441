import { parseMessage } from '../transport.js';

/**
 * WebSocket transport: one socket to /ws, one JSON text frame per message, both ways.
 *
 * The browser's WebSocket does the handshake, masking, pings and the close handshake; it cannot
 * send a ping of its own, so the client's heartbeat (a message the server must answer) is what
 * notices a socket that went quiet without closing.
 */
export class WebSocketTransport {
  name = 'websocket';
  onmessage = () => {};
  onclose = () => {};
  #url;
  #socket = null;
  #ended = false;

  constructor(base) {
    this.#url = new URL('/ws', base);
    this.#url.protocol = this.#url.protocol === 'https:' ? 'wss:' : 'ws:';
  }

  connect() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.#url);
      this.#socket = socket;
      let open = false;
      socket.onopen = () => {
        open = true;
        resolve();
      };
      socket.onmessage = (event) => {
        const message = parseMessage(event.data);
        if (message) this.onmessage(message);
      };
      // A refused handshake (the server answered 404, or nothing listens) also ends here: the
      // browser does not tell scripts the HTTP status, only that the socket closed before opening.
      socket.onclose = (event) => {
        if (!open) {
          reject(new Error(`WebSocket refused (close ${event.code})`));
        } else if (!this.#ended) {
          this.#ended = true;
          this.onclose(`WebSocket closed (${event.code}${event.reason ? ': ' + event.reason : ''})`);
        }
      };
    });
  }

  send(messages) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return Promise.reject(new Error('WebSocket is not open'));
    for (const message of messages) this.#socket.send(JSON.stringify(message));
    return Promise.resolve();
  }

  close() {
    this.#ended = true;
    if (this.#socket && this.#socket.readyState <= WebSocket.OPEN) this.#socket.close(1000, 'bye');
  }
}
