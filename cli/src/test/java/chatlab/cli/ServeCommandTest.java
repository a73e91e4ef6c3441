package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chatlab.protocol.server.ServerConfig.JsonRecycler;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code ./chatlab serve} turns its options into the server's settings. */
class ServeCommandTest {

    private static ServeCommand parse(String... args) {
        CommandLine.ParseResult result = ChatlabCommand.commandLine().parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void theJsonRecyclerIsSharedUnlessThreadLocalIsAskedFor() {
        assertEquals(JsonRecycler.SHARED, parse("serve", "--model", "threaded-virtual").config().jsonRecycler());
        assertEquals(JsonRecycler.THREAD_LOCAL,
                parse("serve", "--model", "threaded-virtual", "--json-recycler", "thread-local").config().jsonRecycler());
        assertEquals(JsonRecycler.SHARED, parse("serve", "--model", "evented", "--json-recycler", "shared").config().jsonRecycler());
    }

    @Test
    void anUnknownJsonRecyclerIsABadCommandLine() {
        assertThrows(CommandLine.ParameterException.class,
                () -> parse("serve", "--model", "evented", "--json-recycler", "per-connection"));
    }
}
