package dev.cnptoken.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A small HTTP proxy on loopback that demands HTTP Basic proxy authentication: a real proxy for
 * tests of proxy support. It answers {@code 407 Proxy Authentication Required} (and closes the
 * connection) to any request without the expected {@code Proxy-Authorization}; otherwise it opens a
 * tunnel for {@code CONNECT host:port}, or forwards a request in absolute form ({@code POST
 * http://host:port/path}) to its origin, without its {@code Proxy-*} headers, and from then on
 * relays the connection's bytes both ways. It records each request line and the {@code
 * Proxy-Authorization} it carried. One thread per connection; for tests only.
 */
public final class AuthenticatingProxy implements AutoCloseable {
    /** One request the proxy received: its request line and its {@code Proxy-Authorization}, if any. */
    public record Seen(String requestLine, Optional<String> proxyAuthorization, boolean admitted) {}

    private final String expected;
    private final ServerSocket server;
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

    private AuthenticatingProxy(String user, String password) throws IOException {
        this.expected = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "authenticating-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy on a free loopback port that admits exactly this user and password. */
    public static AuthenticatingProxy start(String user, String password) throws IOException {
        return new AuthenticatingProxy(Objects.requireNonNull(user, "user == null"),
                Objects.requireNonNull(password, "password == null"));
    }

    /** Where to reach the proxy. */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Every request received so far, in order. */
    public List<Seen> requests() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Override
    public String toString() {
        return "AuthenticatingProxy[" + server.getLocalSocketAddress() + "]";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "authenticating-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String requestLine = head.get(0);
            Optional<String> auth = header(head, "proxy-authorization");
            boolean admitted = auth.isPresent() && auth.get().equals(expected);
            seen.add(new Seen(requestLine, auth, admitted));
            if (!admitted) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String[] parts = requestLine.split(" ", 3);
            if (parts.length != 3) {
                return;
            }
            if (parts[0].equalsIgnoreCase("CONNECT")) {
                int colon = parts[1].lastIndexOf(':');
                try (Socket origin = connect(parts[1].substring(0, colon), Integer.parseInt(parts[1].substring(colon + 1)))) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    relay(client, origin);
                }
            } else {
                URI target = URI.create(parts[1]);
                int port = target.getPort() > 0 ? target.getPort() : 80;
                try (Socket origin = connect(target.getHost(), port)) {
                    StringBuilder forwarded = new StringBuilder(parts[0]).append(' ')
                            .append(target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                            .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                            .append(' ').append(parts[2]).append("\r\n");
                    for (String line : head.subList(1, head.size())) {
                        if (!line.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
                            forwarded.append(line).append("\r\n");
                        }
                    }
                    forwarded.append("\r\n");
                    origin.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                    relay(client, origin);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a client or origin went away: the connection ends
        } finally {
            open.remove(client);
        }
    }

    private Socket connect(String host, int port) throws IOException {
        Socket origin = new Socket(host, port);
        open.add(origin);
        return origin;
    }

    /** Copies bytes both ways until either side closes. */
    private static void relay(Socket client, Socket origin) throws IOException {
        Thread back = new Thread(() -> copy(origin, client), "authenticating-proxy-relay");
        back.setDaemon(true);
        back.start();
        copy(client, origin);
        try {
            back.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** The request line and header lines, read byte by byte so no body byte is consumed. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
                previous = -1;
                continue;
            }
            line.write(b);
            previous = b;
            if (line.size() > 16 * 1024) {
                throw new IOException("header line too long");
            }
        }
        return List.of();
    }

    private static Optional<String> header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }
}
