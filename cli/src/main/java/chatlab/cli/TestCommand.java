package chatlab.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./chatlab test}: the whole test suite, through Maven. The launcher script runs Maven itself
 * (after installing what the tests drive) and comes here only for {@code --help}; this class runs
 * the same command when the CLI is started directly.
 */
@Command(name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run every test of every module with Maven ('mvn -B verify'), with the JDK ./chatlab found. This is what CI runs.",
            "",
            "What runs: the protocol module's unit tests (codec, handshake, the sans-I/O server and client connections),",
            "the conformance suite against every model and reference peer over real sockets (testsuite/), the harness's own",
            "tests (bench/: the load generator's clients of every transport against deliberately faulty servers and a",
            "byte-counting proxy, the report's claims against contradicting data), the browser page in Chromium (browser/),",
            "the CLI's tests on real server processes (cli/), the exercise track's (in testsuite/: every exercise's reference",
            "solution passes its check and every starter fails it), and the cluster tests: servers of mixed models sharing",
            "their rooms through a real redis-server started on a free port, with Redis stopped, paused and cut off and a",
            "server killed (tag cluster; without redis-server they are skipped and say so). It takes several minutes on two cores.",
            "",
            "Before Maven starts, ./chatlab installs what the tests drive and the machine lacks: Node.js and npm, Chromium and",
            "redis-server with apt-get when run as root (otherwise it says what to install), and the npm packages of every",
            "committed package-lock.json.",
            "",
            "Every other argument goes to Maven as it is. To run less:",
            "  ./chatlab test -pl testsuite -am -Dtest=EchoTest -Dsurefire.failIfNoSpecifiedTests=false   one test class",
            "  ./chatlab test -pl testsuite -am -Dchatlab.models=evented,netty                             some models only",
            "  ./chatlab test -pl testsuite -am -Dchatlab.models=evented -Dchatlab.evented.loops=2         the suite over two event loops",
            "  ./chatlab test -pl testsuite -am -Dgroups=peers                                               peer cases only",
            "  ./chatlab test -pl testsuite -am -Dgroups=cluster                                             cluster cases only",
            "A name in -Dchatlab.models that is not a model, or a selection that leaves a test without a model, fails loudly."})
public final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "MAVEN_ARG", description = "Arguments for Maven, after 'mvn -B verify'.")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "verify"));
        command.addAll(mavenArgs);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO().directory(new File(System.getProperty("chatlab.home", ".")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        int exit = builder.start().waitFor();
        return exit == 0 ? 0 : 1;
    }
}
