package chatlab.labs;

import chatlab.bench.server.ServerHandle;
import chatlab.protocol.server.Implementation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A server under its variant's label: the label goes into the results, the implementation decides what can be measured. */
record LabelledServer(Variant variant, ServerHandle server) implements ServerHandle {

    @Override public String model() { return variant.label(); }
    @Override public Implementation implementation() { return variant.implementation(); }
    @Override public InetSocketAddress address() { return server.address(); }
    @Override public long pid() { return server.pid(); }
    @Override public JsonNode stats() throws IOException { return server.stats(); }
    @Override public JsonNode statsAfterFullGc() throws IOException { return server.statsAfterFullGc(); }
    @Override public String deathNote() { return server.deathNote(); }
    @Override public void close() { server.close(); }
}
