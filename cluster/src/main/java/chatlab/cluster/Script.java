package chatlab.cluster;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the Lua scripts in this package's resources ({@code common.lua} prepended to each), with
 * its SHA-1, so that it is sent once ({@code EVAL}) and then called by digest ({@code EVALSHA}).
 */
enum Script {
    SAY(ScriptOutputType.MULTI),
    JOIN(ScriptOutputType.MULTI),
    LEAVE(ScriptOutputType.INTEGER),
    HEARTBEAT(ScriptOutputType.INTEGER),
    SYNC(ScriptOutputType.MULTI),
    GOODBYE(ScriptOutputType.INTEGER),
    SESSION_NEW(ScriptOutputType.INTEGER),
    SESSION_PUT(ScriptOutputType.INTEGER),
    SESSION_READ(ScriptOutputType.MULTI),
    SESSION_TOUCH(ScriptOutputType.INTEGER),
    SESSION_KEEP(ScriptOutputType.INTEGER),
    SESSION_END(ScriptOutputType.INTEGER);

    final ScriptOutputType output;
    final String body;
    final String sha;

    Script(ScriptOutputType output) {
        this.output = output;
        this.body = resource("common.lua") + resource(name().toLowerCase() + ".lua");
        this.sha = sha1(body);
    }

    private static String resource(String name) {
        try (InputStream in = Script.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing script resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read script resource " + name, e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
