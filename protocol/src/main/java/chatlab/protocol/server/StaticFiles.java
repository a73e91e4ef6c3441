package chatlab.protocol.server;

import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The browser chat page and its files, served by every model from the class path (the
 * {@code chatlab/web/} folder of the protocol jar): {@code GET /} (and {@code /index.html}) is the
 * page, {@code GET /static/NAME} its scripts, styles and icon.
 *
 * <p>Caching: the files have no content hash in their names (there is no build step), so each
 * answer carries {@code Cache-Control: no-cache} and a strong {@code ETag} (a digest of the bytes):
 * the browser asks again every time, and a file it already has costs a {@code 304} without a body.
 * That keeps the page and its modules in step after an upgrade, which a {@code max-age} would not.
 *
 * <p>Hostile paths: a name is served only if every segment is made of {@code [A-Za-z0-9_.-]} and
 * does not start with a dot, so {@code ..}, percent-escapes, backslashes and hidden files never
 * reach the class loader; they are answered {@code 404}, like a file that does not exist.
 *
 * <p>Thread-safe and shared by every server in the JVM: it holds only the immutable files it has
 * read (a file is read once, on its first request); names that do not exist are not remembered,
 * so a client asking for many of them costs lookups, never memory.
 */
public final class StaticFiles {

    /** Where the files live on the class path. */
    static final String ROOT = "chatlab/web/";
    static final String STATIC_PREFIX = "/static/";
    private static final String SEGMENT = "[A-Za-z0-9_-][A-Za-z0-9_.-]*";
    private static final Pattern STATIC_NAME = Pattern.compile("(?:" + SEGMENT + "/)*" + SEGMENT);
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");
    private static final String CACHE_CONTROL = "no-cache";

    private static final Map<String, WebFile> FILES = new ConcurrentHashMap<>();

    private StaticFiles() {}

    /** One file, ready to serve. */
    record WebFile(String contentType, byte[] body, String etag) {}

    /**
     * The answer to a request for the page or a static file, or null when the path is neither
     * (the caller routes it elsewhere).
     *
     * @throws HttpException 404 for a file that does not exist or a name that is not allowed,
     *                       405 for a method other than GET
     */
    public static Answer answer(RequestHead head) throws HttpException {
        return answer(head, null);
    }

    /**
     * Like {@link #answer(RequestHead)}, but a file that {@code overlay} (a directory, or null)
     * has is served from there, read afresh on every request (a student edits it while the
     * server runs), in place of the class path's.
     */
    public static Answer answer(RequestHead head, Path overlay) throws HttpException {
        String path = head.path();
        String name;
        if (path.equals("/") || path.equals("/index.html")) {
            name = "index.html";
        } else if (path.startsWith(STATIC_PREFIX)) {
            name = "static/" + path.substring(STATIC_PREFIX.length());
        } else {
            return null;
        }
        if (!head.method().equals("GET")) {
            throw HttpException.methodNotAllowed(head.method(), "GET");
        }
        boolean allowed = !name.startsWith("static/") || STATIC_NAME.matcher(name.substring(7)).matches();
        WebFile file = !allowed ? null : overlay != null && Files.isRegularFile(overlay.resolve(name)) ? overlaid(overlay.resolve(name)) : file(name);
        if (file == null) throw new HttpException(404, "no such file: " + abbreviate(path));
        boolean unchanged = matches(head.headerJoined("If-None-Match"), file.etag());
        return new Answer(unchanged ? 304 : 200, file.contentType(), unchanged ? new byte[0] : file.body(), file.etag(), CACHE_CONTROL);
    }

    /**
     * A response for the page or one of its files.
     *
     * @param status 200, or 304 (with an empty body) when the client's copy is current
     */
    public record Answer(int status, String contentType, byte[] body, String etag, String cacheControl) {

        /** The response, for a server that writes it itself; a 304 has neither type nor body (RFC 9110 15.4.5). */
        public Response response() {
            String headers = "Cache-Control: " + cacheControl + "\r\n"
                    + "ETag: " + etag + "\r\n"
                    + "X-Content-Type-Options: nosniff\r\n";
            return status == 304 ? new Response(304, null, null, headers) : new Response(status, contentType, body, headers);
        }
    }

    private static WebFile overlaid(Path path) {
        try {
            byte[] body = Files.readAllBytes(path);
            return new WebFile(contentType(path.getFileName().toString()), body, etag(body));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return CONTENT_TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }

    private static WebFile file(String name) {
        WebFile cached = FILES.get(name);
        if (cached != null) return cached;
        byte[] body = read(ROOT + name);
        if (body == null) return null;
        WebFile file = new WebFile(contentType(name), body, etag(body));
        FILES.putIfAbsent(name, file);
        return file;
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the class path", e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** RFC 9110 13.1.2: If-None-Match is a list of entity tags, or {@code *}; compared weakly. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) return true;
            if (tag.startsWith("W/")) tag = tag.substring(2);
            if (tag.equals(etag)) return true;
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
