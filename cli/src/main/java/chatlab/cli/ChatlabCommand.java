package chatlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./chatlab}: the one entry point of the lab. */
@Command(name = "chatlab",
        mixinStandardHelpOptions = true,
        versionProvider = ChatlabCommand.Version.class,
        description = {
            "Thread per connection versus one event loop, on the same WebSocket chat.",
            "Serve a model, benchmark the models against reference servers, rebuild the report, run the tests,",
            "check your own piece of a server against chatlab's tests (exercise)."},
        subcommands = {
            ServeCommand.class,
            BenchCommand.class,
            ReportCommand.class,
            TestCommand.class,
            ExerciseCommand.class,
            CommandLine.HelpCommand.class})
public final class ChatlabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with chatlab's converters: what {@code main} runs and what tests parse. */
    static CommandLine commandLine() {
        return new CommandLine(new ChatlabCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Model.class, Model::of);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"chatlab 1.0 (wire protocol version 1), Java " + Runtime.version()};
        }
    }
}
