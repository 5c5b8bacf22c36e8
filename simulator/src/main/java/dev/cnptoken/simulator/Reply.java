package dev.cnptoken.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the simulator and how it goes on the wire: whole, chunked, cut off halfway, or
 * trickled a byte at a time.
 * Immutable.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header, or null for none
 * @param body the body bytes (empty for none)
 * @param headers further response headers
 * @param mode how the body is sent
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Mode mode) {
    /** The content type of every JSON answer. */
    static final String JSON = "application/json;charset=UTF-8";

    /** How the body is sent. */
    enum Mode {
        /** With {@code Content-Length}, all of it. */
        NORMAL,
        /** Chunked, no {@code Content-Length}. */
        CHUNKED,
        /** {@code Content-Length} of the whole body, then half of it, then the connection drops. */
        CUT,
        /** {@code Content-Length} and headers at once, then one body byte per {@link FortiCnpFault#TRICKLE_INTERVAL}. */
        TRICKLE
    }

    Reply {
        headers = Map.copyOf(headers);
    }

    /** A whole answer with a body. */
    static Reply of(int status, String contentType, byte[] body) {
        return new Reply(status, contentType, body, Map.of(), Mode.NORMAL);
    }

    /** A JSON answer of this tree (a Jackson node or any value Jackson writes). */
    static Reply json(int status, Object tree) {
        return of(status, JSON, Wire.json(tree));
    }

    /** An RFC 6749 error answer, not to be cached. */
    static Reply oauthError(int status, String error, String description) {
        return json(status, Wire.oauthErrorBody(error, description)).with("Cache-Control", "no-store");
    }

    /** A plain-text answer. */
    static Reply text(int status, String text) {
        return of(status, "text/plain;charset=UTF-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** This answer with one more header (replacing one of the same name). */
    Reply with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new Reply(status, contentType, body, h, mode);
    }

    /** This answer sent in another mode. */
    Reply sent(Mode mode) {
        return new Reply(status, contentType, body, headers, mode);
    }

    /** Writes the answer to {@code ex}. */
    void send(HttpExchange ex) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        switch (mode) {
            case NORMAL -> {
                ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
            case CHUNKED -> {
                ex.sendResponseHeaders(status, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int off = 0; off < body.length; off += 8192) {
                        out.write(body, off, Math.min(8192, body.length - off));
                    }
                }
            }
            case CUT -> {
                ex.sendResponseHeaders(status, body.length);
                OutputStream out = ex.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                // the exchange is closed with bytes missing: the server then drops the connection
                // (closing the body stream itself first would leave the connection open and hanging)
            }
            case TRICKLE -> {
                ex.sendResponseHeaders(status, body.length);
                OutputStream out = ex.getResponseBody();
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    pause();
                }
                out.close();
            }
        }
    }

    /** Waits one trickle interval; the simulator's close interrupts it. */
    private static void pause() throws IOException {
        try {
            Thread.sleep(FortiCnpFault.TRICKLE_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("simulator stopped while trickling");
        }
    }

    @Override
    public String toString() {
        return "Reply[" + status + ", " + body.length + " bytes, " + mode + "]";
    }
}
