package chatlab.cli;

import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./chatlab}: the one entry point of the lab. */
@Command(name = "chatlab",
        mixinStandardHelpOptions = true,
        versionProvider = ChatlabCommand.Version.class,
        description = {
            "Thread per connection versus one event loop, on the same WebSocket chat.",
            "Serve a model, chat with it from the terminal, benchmark the models against reference servers, run a lab, rebuild the report,",
            "run the tests, check your own piece of a server against chatlab's tests (exercise)."},
        subcommands = {
            ServeCommand.class,
            ClientCommand.class,
            BenchCommand.class,
            LabCommand.class,
            ReportCommand.class,
            TestCommand.class,
            ExerciseCommand.class,
            CommandLine.HelpCommand.class})
public final class ChatlabCommand implements Runnable {

    /** Exit code of a command line that cannot be run as written (picocli's default for usage errors). */
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with chatlab's converters and its one-line usage errors: what {@code main} runs and what tests parse. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ChatlabCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Implementation.class, ChatlabCommand::implementation)
                .registerConverter(ServerName.class, ServerName::parse)
                .registerConverter(ServerConfig.JsonRecycler.class, ChatlabCommand::jsonRecycler)
                .setParameterExceptionHandler(ChatlabCommand::usageError)
                .setUsageHelpWidth(120);
        commandLine.getSubcommands().get("bench").getCommandSpec().usageMessage()
                .footer("", "Suites:", BenchCommand.suiteList().replace("%", "%%"));
        commandLine.getSubcommands().get("lab").getCommandSpec().usageMessage()
                .footer("", "Labs:", LabCommand.labList().replace("%", "%%"));
        return commandLine;
    }

    /** An implementation by name; a typo is an error naming the valid ones. */
    static Implementation implementation(String name) {
        try {
            return Implementation.of(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** A JSON recycler by name ({@code thread-local}, {@code shared}); a typo is an error naming the valid ones. */
    static ServerConfig.JsonRecycler jsonRecycler(String name) {
        try {
            return ServerConfig.JsonRecycler.of(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /**
     * A command line that cannot run as written: one line on standard error, saying what is wrong
     * and where the help is, and exit code 2 (no usage dump, no stack trace).
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage() + " (see ./" + name + " --help)");
        err.flush();
        return USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"chatlab 1.0 (wire protocol version 1), Java " + Runtime.version()};
        }
    }
}
