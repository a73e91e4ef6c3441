/**
 * chatlab's conformance suite: one set of tests, written from PROTOCOL.md alone, run against every
 * server model through {@link chatlab.protocol.server.ChatServers}.
 *
 * <p>Traffic goes through two independent client libraries (Java-WebSocket and Jetty 12's
 * WebSocket client, see {@code WsClient}) and the JDK's HttpClient for the HTTP transports
 * ({@code HttpSessionClient}); malformed input, pipelining and event streams through a bare socket
 * with a frame builder and parsers written here from RFC 6455, RFC 9112 and the event-stream format
 * ({@code RawFrame}, {@code RawWebSocket}, {@code RawHttp}, {@code RawHttpConnection},
 * {@code SseClient}), never through chatlab's own codec. The HTTP-transport cases
 * ({@code HttpTransportTest}, {@code HttpKeepAliveTest}, {@code HttpSlowClientTest}) run over the
 * core models: the peers leave those endpoints out.
 *
 * <p>{@code @CoreModels} tests run for threaded-platform, threaded-virtual and evented;
 * {@code @AllModels} tests (chat, echo, /stats) also for the peers jetty, java-websocket, netty
 * and node-ws. They carry the tags {@code core} and {@code peers}. To narrow a run:
 * {@code mvn -pl testsuite -am test -Dtest='chatlab.testsuite.*Test' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dchatlab.models=evented,netty} (or {@code -Dgroups=peers}).
 */
package chatlab.testsuite;
