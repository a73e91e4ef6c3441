package chatlab.protocol.http;

/** chatlab's own {@link OpeningHandshake}: {@link Handshake#accept}. Every model uses it unless told otherwise. */
public final class Rfc6455Handshake implements OpeningHandshake {

    @Override
    public byte[] accept(RequestHead request) throws HttpException {
        return Handshake.accept(request);
    }
}
