package dev.cnptoken.app.daemon;

import dev.cnptoken.app.config.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a fixed set of exact paths over HTTP/1.1 on Jetty's non-blocking connector: a request is
 * read without holding a thread, so clients that send their requests slowly (or never finish them)
 * cannot keep the others waiting.
 *
 * <p>Limits: a connection silent for {@link #IDLE_TIMEOUT} is closed, and so is one that has not had
 * a complete answer {@link #FIRST_ANSWER_DEADLINE} after it opened (a request trickled in byte by
 * byte); request headers are at most {@link #MAX_HEADER_BYTES}; at most {@link #MAX_CONNECTIONS}
 * connections are open at once, and while that many are, idle ones are closed after a second.
 *
 * <p>Only {@code GET} and {@code HEAD} are answered ({@code HEAD} with the headers {@code GET} would
 * have); other methods get 405 with {@code Allow: GET, HEAD}, other paths 404. The path is compared
 * as sent, before any decoding or {@code ..} resolution, so {@code /healthz/../metrics} is not {@code
 * /metrics}.
 */
final class EndpointServer implements AutoCloseable {
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_ANSWER_DEADLINE = Duration.ofSeconds(15);
    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final int MAX_CONNECTIONS = 256;
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.daemon");
    private static final String ALLOWED = "GET, HEAD";

    /** What one path answers, computed afresh for each request. */
    record Answer(int status, String contentType, String body) {
        Answer {
            Objects.requireNonNull(contentType, "contentType == null");
            Objects.requireNonNull(body, "body == null");
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final ListenAddress address;

    /**
     * Binds {@code listen} at once (port 0 picks a free one); {@link #start()} starts answering.
     *
     * @param routes exact paths and their answers
     * @throws ConfigException naming the {@code listen} setting when the host does not resolve or the
     *     address cannot be bound (in use, or not an address of this host)
     */
    EndpointServer(InetSocketAddress listen, Map<String, Supplier<Answer>> routes) {
        Objects.requireNonNull(listen, "listen == null");
        Map<String, Supplier<Answer>> paths = Map.copyOf(Objects.requireNonNull(routes, "routes == null"));
        if (listen.isUnresolved()) {
            throw new ConfigException("listen: cannot listen on " + listen.getHostString() + ":" + listen.getPort()
                    + ": the host does not resolve to an address");
        }
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("cnp-token-http");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(listen.getAddress().getHostAddress());
        connector.setPort(listen.getPort());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.addBean(new FirstAnswerDeadline(connector));
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
        limit.setEndPointIdleTimeout(1000);
        server.addBean(limit);
        server.setHandler(new Routes(paths));
        String where = new ListenAddress(listen).hostPort();
        try {
            connector.open();
        } catch (IOException e) {
            throw new ConfigException("listen: cannot listen on " + where + ": " + reason(e));
        }
        this.address = new ListenAddress(new InetSocketAddress(listen.getAddress(), connector.getLocalPort()));
    }

    /**
     * The operating system's reason for a failed bind ("Address already in use", "Cannot assign
     * requested address"), which Jetty wraps; else the exception's type.
     */
    private static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e.getClass().getName();
    }

    /** Starts answering on the bound address. */
    void start() {
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the HTTP server did not start (" + e.getClass().getName() + ")", e);
        }
    }

    /** Where the endpoints are, with the port actually bound. */
    ListenAddress address() {
        return address;
    }

    /** Stops answering and closes every connection. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping failed half-way: at least release the port. The type only; a message may hold anything.
            LOG.debug("event=http_stop_failed type={}", e.getClass().getName());
            connector.close();
        }
    }

    /** Answers exact paths; 404 and 405 for the rest. */
    private static final class Routes extends Handler.Abstract {
        private final Map<String, Supplier<Answer>> paths;

        Routes(Map<String, Supplier<Answer>> paths) {
            this.paths = paths;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Supplier<Answer> route = paths.get(request.getHttpURI().getPath());
            String method = request.getMethod();
            boolean head = "HEAD".equals(method);
            Answer answer;
            if (route == null) {
                answer = new Answer(404, "text/plain; charset=utf-8", "not found\n");
            } else if (!head && !"GET".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, ALLOWED);
                answer = new Answer(405, "text/plain; charset=utf-8", "method not allowed; use " + ALLOWED + "\n");
            } else {
                answer = route.get();
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            response.setStatus(answer.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (head) {
                response.write(true, null, callback);
            } else {
                response.write(true, ByteBuffer.wrap(body), callback);
            }
            return true;
        }
    }

    /** Closes a connection that has had no complete answer some time after it opened. */
    private static final class FirstAnswerDeadline implements Connection.Listener {
        private final ServerConnector connector;

        FirstAnswerDeadline(ServerConnector connector) {
            this.connector = connector;
        }

        @Override
        public void onOpened(Connection connection) {
            connector.getScheduler().schedule(() -> {
                if (connection.getMessagesOut() == 0 && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, FIRST_ANSWER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
