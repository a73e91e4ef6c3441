package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chatlab.bench.Suite;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** How {@code ./chatlab bench} reads the suite it is asked for: as a word, with {@code --suite}, or neither. */
class BenchCommandTest {

    private static BenchCommand parse(String... args) {
        CommandLine.ParseResult result = ChatlabCommand.commandLine().parseArgs(args);
        return (BenchCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void theSuiteMayBeAWordOrAnOption() {
        assertEquals(Suite.JMH, parse("bench", "jmh").chosenSuite());
        assertEquals(Suite.FLOOD, parse("bench", "--suite", "flood").chosenSuite());
        assertEquals(Suite.BROADCAST, parse("bench", "broadcast", "--suite", "broadcast").chosenSuite());
        assertEquals(Suite.QUICK, parse("bench").chosenSuite());
    }

    @Test
    void twoDifferentSuitesAreABadCommandLine() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("bench", "jmh", "--suite", "flood").chosenSuite());
        assertThrows(CommandLine.ParameterException.class, () -> parse("bench", "no-such-suite"));
    }
}
