package chatlab.testsuite;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per core model (threaded-platform, threaded-virtual, evented): the parts of
 * PROTOCOL.md only chatlab's own servers are held to (handshake errors, every violation, idle,
 * slowloris, slow consumers, the extra /stats counters).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("core")
@ParameterizedTest(name = "{0}")
@MethodSource("chatlab.testsuite.Models#core")
@interface CoreModels {}
