package chatlab.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code GET /stats} over HTTP, as any client would ask: the harness reads every server the same way. */
final class StatsClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();

    private StatsClient() {}

    /** @param fullGcFirst ask for {@code /stats?gc=1} (a full collection may take a while on a big heap) */
    static JsonNode get(InetSocketAddress server, boolean fullGcFirst) throws IOException {
        URI uri = URI.create("http://" + server.getHostString() + ":" + server.getPort() + "/stats" + (fullGcFirst ? "?gc=1" : ""));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(fullGcFirst ? 60 : 10)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new IOException("GET " + uri.getPath() + " answered " + response.statusCode());
            return MAPPER.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during GET " + uri);
        }
    }
}
