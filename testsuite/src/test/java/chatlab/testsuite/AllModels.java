package chatlab.testsuite;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per core model and once per reference peer (jetty, java-websocket, netty,
 * node-ws): chat, echo and the PROTOCOL.md fields of /stats.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("peers")
@ParameterizedTest(name = "{0}")
@MethodSource("chatlab.testsuite.Models#all")
@interface AllModels {}
