package chatlab.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A generator child process: one {@link LoadGenerator} driven over standard input and output, one
 * JSON object per line. Requests are {@code {"op":"connect","plan":{..}}}, {@code {"op":"load","plan":{..}}},
 * {@code {"op":"open"}}, {@code {"op":"closeAll"}} and {@code {"op":"exit"}}; each is answered by
 * one line, {@code {"ok":true,"result":..}} or {@code {"ok":false,"error":".."}}. The process ends
 * when asked to, or when its standard input closes (its parent is gone). Diagnostics go to stderr.
 */
public final class GeneratorMain {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private GeneratorMain() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but answers on the real stdout
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LoadGenerator generator = new LoadGenerator("generator-" + ProcessHandle.current().pid())) {
            out.println("{\"ok\":true,\"result\":\"ready\"}");
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                ObjectNode answer = MAPPER.createObjectNode();
                String op = "?";
                try {
                    JsonNode request = MAPPER.readTree(line);
                    op = request.path("op").asText();
                    Object result = switch (op) {
                        case "connect" -> generator.connect(MAPPER.treeToValue(request.get("plan"), ConnectPlan.class));
                        case "load" -> generator.load(MAPPER.treeToValue(request.get("plan"), LoadPlan.class));
                        case "open" -> generator.open();
                        case "closeAll" -> {
                            generator.closeAll();
                            yield "closed";
                        }
                        case "exit" -> "bye";
                        default -> throw new IllegalArgumentException("unknown op '" + op + "'");
                    };
                    answer.put("ok", true);
                    answer.set("result", MAPPER.valueToTree(result));
                } catch (IOException | RuntimeException e) {
                    answer.put("ok", false);
                    answer.put("error", String.valueOf(e.getMessage()));
                }
                out.println(MAPPER.writeValueAsString(answer));
                if (op.equals("exit")) break;
            }
        }
    }
}
