package chatlab.cli;

import chatlab.cli.client.TerminalChat;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./chatlab client ws://HOST:PORT/ws --room R --name N}: chat from the terminal. */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Chat in a room from the terminal over WebSocket: each line typed is said, the room's messages and presence are printed.",
            "Reconnects with backoff when the connection is lost, and resumes without losing or repeating a message,"
                    + " a server restart included. Ends at the end of input (Ctrl-D) or a line /quit."})
public final class ClientCommand implements Callable<Integer> {

    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    @Parameters(index = "0", paramLabel = "URL", description = "The server's chat endpoint, e.g. ws://127.0.0.1:8080/ws")
    URI url;

    @Option(names = {"-r", "--room"}, required = true, description = "Room to join: 1 to 64 of letters, digits, '_', '.', '-'.")
    String room;

    @Option(names = {"-n", "--name"}, required = true, description = "Your name in the room: 1 to 32 characters.")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ("wss".equalsIgnoreCase(url.getScheme())) usage("wss:// needs TLS, which chatlab's servers do not speak; use ws://");
        if (!"ws".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) usage("URL must look like ws://HOST:PORT/ws, not '" + url + "'");
        if (!ROOM.matcher(room).matches()) usage("--room must be 1 to 64 of letters, digits, '_', '.', '-'");
        int nameLength = name.codePointCount(0, name.length());
        if (nameLength < 1 || nameLength > 32 || name.codePoints().anyMatch(Character::isISOControl)) {
            usage("--name must be 1 to 32 characters, no control characters");
        }
        new TerminalChat(url, room, name, System.out).run(System.in);
        return 0;
    }

    private void usage(String message) {
        throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
