package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.Profile;
import chatlab.bench.Suites;
import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code ./chatlab bench} reads what it is asked for: a suite as a word or with {@code --suite}, implementations by name. */
class BenchCommandTest {

    private static BenchCommand parse(String... args) {
        CommandLine.ParseResult result = ChatlabCommand.commandLine().parseArgs(args);
        return (BenchCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void theSuiteMayBeAWordOrAnOption() {
        assertEquals("jmh", parse("bench", "jmh").chosenSuite());
        assertEquals("flood", parse("bench", "--suite", "flood").chosenSuite());
        assertEquals("broadcast", parse("bench", "broadcast", "--suite", "broadcast").chosenSuite());
        assertEquals("quick", parse("bench").chosenSuite());
    }

    @Test
    void theQuickSuiteIsQuickSizedAndNamedSuitesAreFullUnlessAsked() {
        Suites.Selection quick = Suites.select("quick", false);
        assertEquals(Profile.QUICK, quick.profile());
        assertEquals(List.of("flood", "broadcast", "echo"), quick.suites().stream().map(s -> s.name()).toList());
        assertEquals(Profile.FULL, Suites.select("echo", false).profile());
        assertEquals(Profile.QUICK, Suites.select("echo", true).profile());
        assertTrue(Suites.select("all", false).suites().stream().anyMatch(s -> s.name().equals("jmh")));
    }

    @Test
    void aWrongSuiteOrImplementationIsOneLineNamingTheValidOnes() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("bench", "jmh", "--suite", "flood").chosenSuite());
        CommandLine.ParameterException suite = assertThrows(CommandLine.ParameterException.class,
                () -> parse("bench", "no-such-suite").chosenSuite());
        assertTrue(suite.getMessage().contains("valid: quick, all, flood, broadcast, echo, cluster, jmh"), suite.getMessage());

        StringWriter err = new StringWriter();
        CommandLine line = ChatlabCommand.commandLine();
        line.setErr(new PrintWriter(err));
        assertEquals(2, line.execute("bench", "--impl", "evented,evnted"));
        String said = err.toString();
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("'evnted'") && said.contains(String.join(", ", Implementation.ids())), said);
    }

    @Test
    void aStudentsClassIsAnImplementationWithItsClassPath() {
        BenchCommand bench = parse("bench", "echo", "--impl", "evented,class:my.LoopEchoServer,class:my.Codec@threaded-virtual",
                "--classpath", "my-exercises/4-echo");
        assertEquals(List.of("evented", "class:my.LoopEchoServer", "class:my.Codec@threaded-virtual"),
                bench.impls.stream().map(ServerName::id).toList());
        assertEquals("threaded-virtual", bench.impls.get(2).student().model());

        StringWriter err = new StringWriter();
        CommandLine line = ChatlabCommand.commandLine();
        line.setErr(new PrintWriter(err));
        assertEquals(2, line.execute("bench", "echo", "--impl", "class:"), "a class with no name");
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void theJsonRecyclerIsHandedToTheServersOnlyWhenAskedFor() {
        assertEquals(null, parse("bench", "flood").jsonRecycler, "serve's own default unless asked");
        assertEquals(ServerConfig.JsonRecycler.THREAD_LOCAL, parse("bench", "flood", "--json-recycler", "thread-local").jsonRecycler);
        assertThrows(CommandLine.ParameterException.class, () -> parse("bench", "flood", "--json-recycler", "per-connection"));
    }
}
