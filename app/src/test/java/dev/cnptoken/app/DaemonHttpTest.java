package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code cnp-token run} daemon's HTTP endpoints as a client sees them, on a real {@code run}
 * process (the real command path, whatever it sets up at start): half-sent requests neither stop the
 * other endpoints nor stay open for ever, paths match exactly, {@code HEAD} answers headers only,
 * other methods get 405 with {@code Allow}, and the printed URL is one a client can use.
 */
class DaemonHttpTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Generous on a loaded 2-core machine; this is about answering at all, not about speed. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern LISTENING = Pattern.compile("health and metrics on (http://\\S+?)/healthz");

    @TempDir
    Path tmp;

    private final List<ChildCli> children = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();

    @AfterEach
    void stopEverything() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed by the server
            }
        }
        children.forEach(ChildCli::close);
    }

    @Test
    void fiftyHalfSentRequestsLeaveLivezAnsweringAndAreHungUpOnInTime() throws Exception {
        ChildCli daemon = startDaemon("127.0.0.1:0");
        URI base = listening(daemon);
        for (int i = 0; i < 50; i++) {
            Socket s = new Socket();
            sockets.add(s);
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) CLIENT_TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            // the request line and one header, but never the blank line that ends the headers
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        HttpResponse<String> livez = get(base, "/livez");
        assertThat(livez.statusCode()).as("/livez beside 50 half-sent requests; stderr:%n%s", daemon.stderr()).isEqualTo(200);
        assertThat(livez.body()).isEqualTo("ok\n");

        // Reading a request is bounded in time, even for one trickled in a byte a second (never idle
        // long, never too big): the server hangs up on it by itself.
        Socket dripping = sockets.get(1);
        dripping.setSoTimeout(1000);
        boolean hungUp = false;
        for (int i = 0; i < 60 && !hungUp; i++) {
            try {
                dripping.getOutputStream().write('x');
                dripping.getOutputStream().flush();
                hungUp = dripping.getInputStream().read() == -1;
            } catch (SocketTimeoutException e) {
                // still open: another byte
            } catch (IOException e) {
                hungUp = true;
            }
        }
        assertThat(hungUp).as("the server closed a connection whose request trickled in for a minute").isTrue();

        // ...and for one that went silent half-way.
        Socket first = sockets.get(0);
        first.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
        try (InputStream in = first.getInputStream()) {
            boolean closed = false;
            try {
                while (in.read() != -1) {
                    // a 408 may come first; what matters is that the connection ends
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException reset) {
                closed = true;
            }
            assertThat(closed).as("the server closed a connection whose request never ended").isTrue();
        }
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void answersOnlyItsExactPathsHeadWithoutABodyAndOtherMethodsWith405() throws Exception {
        ChildCli daemon = startDaemon("127.0.0.1:0");
        URI base = listening(daemon);

        for (String path : List.of("/metricsXYZ", "/healthz/../metrics", "/healthzfoo", "/livez/", "/", "/metrics/x")) {
            assertThat(raw(base, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .as("GET %s", path).startsWith("HTTP/1.1 404");
        }
        assertThat(get(base, "/metrics").statusCode()).isEqualTo(200);
        assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
        assertThat(get(base, "/healthz").statusCode()).as("no account holds a token yet").isEqualTo(503);

        for (String path : List.of("/livez", "/metrics", "/healthz")) {
            String head = raw(base, "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(head).as("HEAD %s", path).matches("(?s)HTTP/1\\.1 (200|503) .*");
            assertThat(head).as("HEAD %s: headers only", path).endsWith("\r\n\r\n");
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-type: ");
        }
        assertThat(raw(base, "HEAD /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .as("HEAD tells the length GET would send").containsIgnoringCase("\r\nContent-Length: 3\r\n");

        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
            String answer = raw(base, method + " /livez HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(answer).as("%s /livez", method).startsWith("HTTP/1.1 405");
            assertThat(answer).as("%s /livez names the allowed methods", method).containsIgnoringCase("\r\nAllow: GET, HEAD\r\n");
        }
        assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
        assertThat(daemon.stderr()).as("nothing above is worth a warning").doesNotContain("WARN").doesNotContain("level=WARN");
    }

    @ParameterizedTest(name = "--listen {0}")
    @ValueSource(strings = {"0.0.0.0:0", ":0", "0"})
    void warnsOnceWhenListeningBeyondLoopbackAndPrintsAUsableUrl(String listen) throws Exception {
        ChildCli daemon = startDaemon(listen);
        URI base = listening(daemon);
        assertThat(base.getHost()).as("a URL a client can open, not 0.0.0.0").isNotEqualTo("0.0.0.0");
        assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
        String err = daemon.stderr();
        assertThat(err).as("the URL line says that every interface listens").contains("all interfaces");
        List<String> warnings = err.lines().filter(l -> l.contains("event=listen_beyond_loopback")).toList();
        assertThat(warnings).as("one warning; stderr:%n%s", err).hasSize(1);
        assertThat(warnings.get(0)).contains("WARN").contains("/metrics").contains("/healthz").contains("account names");
    }

    @Test
    void printsAnIpv6AddressInBracketsAndDoesNotWarnOnLoopback() throws Exception {
        ChildCli daemon = startDaemon("[::1]:0");
        URI base = listening(daemon);
        assertThat(base.toString()).startsWith("http://[::1]:");
        assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
        assertThat(daemon.stderr()).doesNotContain("listen_beyond_loopback");
    }

    private ChildCli startDaemon(String listen) {
        Map<String, String> env = Map.of(
                "CNP_STORE", "file",
                "CNP_FILE_DIR", tmp.resolve("store").toString());
        ChildCli child = ChildCli.start(tmp, env, null, "run", "--listen", listen);
        children.add(child);
        return child;
    }

    private static URI listening(ChildCli daemon) {
        Matcher m = daemon.awaitStderr(LISTENING, START_TIMEOUT)
                .orElseThrow(() -> new AssertionError("'" + daemon.name() + "' did not say where it listens; stderr:\n" + daemon.stderr()));
        return URI.create(m.group(1));
    }

    private HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(CLIENT_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} as it is (no client normalises its path) and reads the answer until the server closes. */
    private static String raw(URI base, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) CLIENT_TIMEOUT.toMillis());
            s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    answer.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // keep what came; the assertion on it says what was wrong
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
