package chatlab.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./chatlab test}: the whole test suite, through Maven. The launcher runs this without
 * building first, since Maven builds what the tests need.
 */
@Command(name = "test",
        mixinStandardHelpOptions = true,
        description = {"Run every test of every module (mvn verify), with the JDK that ./chatlab found.",
            "Extra arguments go to Maven, for example: ./chatlab test -pl testsuite -Dtest=EchoTest"})
public final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "MAVEN_ARG", description = "Extra arguments for Maven.")
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
