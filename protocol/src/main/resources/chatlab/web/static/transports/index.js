import { WebSocketTransport } from './websocket.js';
import { SseTransport } from './sse.js';
import { LongPollingTransport, ShortPollingTransport } from './polling.js';

/** Every transport by its name. A new one (the course's exercise) is one more line here. */
export const TRANSPORTS = {
  websocket: WebSocketTransport,
  sse: SseTransport,
  'long-polling': LongPollingTransport,
  'short-polling': ShortPollingTransport,
};

/** The order 'auto' tries them in: the cheapest connection first. */
export const AUTO_ORDER = ['websocket', 'sse', 'long-polling', 'short-polling'];
