/**
 * chatlab's conformance suite: one set of tests, written from PROTOCOL.md alone, run against every
 * server model through {@link chatlab.protocol.server.ChatServers}.
 *
 * <p>Traffic goes through two independent client libraries (Java-WebSocket and Jetty 12's
 * WebSocket client, see {@code WsClient}); malformed input through a bare socket with a frame
 * builder written here from RFC 6455 ({@code RawFrame}, {@code RawWebSocket}, {@code RawHttp}),
 * never through chatlab's own codec.
 *
 * <p>{@code @CoreModels} tests run for threaded-platform, threaded-virtual and evented;
 * {@code @AllModels} tests (chat, echo, /stats) also for the peers jetty, java-websocket, netty
 * and node-ws. They carry the tags {@code core} and {@code peers}. To narrow a run:
 * {@code mvn -pl testsuite -am test -Dtest='chatlab.testsuite.*Test' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dchatlab.models=evented,netty} (or {@code -Dgroups=peers}).
 */
package chatlab.testsuite;
