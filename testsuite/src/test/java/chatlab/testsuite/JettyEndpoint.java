package chatlab.testsuite;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The Jetty client's listener. Jetty binds listener methods through method handles, which needs
 * a public top-level class; everything it hears goes straight to the {@link WsClient}.
 */
public final class JettyEndpoint implements Session.Listener.AutoDemanding {

    private final Consumer<String> onText;
    private final Consumer<byte[]> onBinary;
    private final CloseListener onClose;

    /** How a close (or failure, as 1006) is passed on. */
    interface CloseListener {
        void closed(int code, String reason);
    }

    JettyEndpoint(Consumer<String> onText, Consumer<byte[]> onBinary, CloseListener onClose) {
        this.onText = onText;
        this.onBinary = onBinary;
        this.onClose = onClose;
    }

    @Override
    public void onWebSocketText(String message) {
        onText.accept(message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        callback.succeed();
        onBinary.accept(data);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        onClose.closed(statusCode, reason);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        onClose.closed(1006, String.valueOf(cause));
    }
}
