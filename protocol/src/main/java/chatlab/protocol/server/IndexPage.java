package chatlab.protocol.server;

/** The short page served at {@code /} until the browser chat page lands. */
public final class IndexPage {

    private IndexPage() {}

    public static String html(String model) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>chatlab</title></head>
                <body>
                <h1>chatlab &mdash; model %s</h1>
                <p>This server speaks the chatlab wire protocol, version 1:</p>
                <ul>
                <li><code>/ws</code>: chat over WebSocket (JSON text frames)</li>
                <li><code>/echo</code>: WebSocket echo</li>
                <li><a href="/stats"><code>/stats</code></a>: counters and process figures</li>
                </ul>
                <p>See <code>docs/PROTOCOL.md</code> in the chatlab repository.</p>
                </body></html>
                """.formatted(model);
    }
}
