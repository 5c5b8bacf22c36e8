package dev.cnptoken.adapters.http.feign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import feign.Request;
import feign.Response;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link JdkHttpClientFeignClient}'s deadline and threads, against a real loopback HTTP server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JdkHttpClientFeignClientTest {
    private static final Request.Options OPTIONS = new Request.Options(Duration.ofSeconds(5), Duration.ofSeconds(10), false);

    private HttpServer server;
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/fast", exchange -> {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/slow", exchange -> {
            slowStarted.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        Thread.interrupted(); // whatever a failed test left
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static Request get(String url) {
        return Request.create(Request.HttpMethod.GET, url, Map.of(), null, StandardCharsets.UTF_8, null);
    }

    private static JdkHttpClientFeignClient client(Duration deadline) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new JdkHttpClientFeignClient(http, 1 << 16, deadline);
    }

    @Test
    void theDeadlineEndsTheCallAndLeavesNoInterruptBehind() throws Exception {
        JdkHttpClientFeignClient client = client(Duration.ofMillis(300));

        assertThatThrownBy(() -> client.execute(get(url("/slow")), OPTIONS))
                .isInstanceOf(JdkHttpClientFeignClient.DeadlineExceeded.class);

        assertThat(Thread.currentThread().isInterrupted()).as("the deadline's own interrupt is cleared").isFalse();
        release.countDown();
        try (Response r = client.execute(get(url("/fast")), OPTIONS)) {
            assertThat(r.status()).isEqualTo(200); // the next call on this thread is not cut short
        }
    }

    @Test
    void aDeadlineNotReachedNeverInterruptsTheCallerLater() throws Exception {
        JdkHttpClientFeignClient client = client(Duration.ofMillis(200));
        for (int i = 0; i < 20; i++) {
            try (Response r = client.execute(get(url("/fast")), OPTIONS)) {
                assertThat(r.status()).isEqualTo(200);
            }
        }
        Thread.sleep(400); // past every deadline of the calls above

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theCallersOwnInterruptEndsTheCallAndStaysSet() throws Exception {
        JdkHttpClientFeignClient client = client(Duration.ofSeconds(20));
        Thread caller = Thread.currentThread();
        ScheduledExecutorService interrupter = Executors.newSingleThreadScheduledExecutor();
        try {
            interrupter.execute(() -> {
                try {
                    slowStarted.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                caller.interrupt();
            });

            assertThatThrownBy(() -> client.execute(get(url("/slow")), OPTIONS))
                    .isInstanceOf(InterruptedIOException.class)
                    .isNotInstanceOf(JdkHttpClientFeignClient.DeadlineExceeded.class);
            assertThat(Thread.interrupted()).as("an interrupt that was not the deadline's stays set").isTrue();
        } finally {
            interrupter.shutdownNow();
        }
    }

    @Test
    void callsStartNoThreadPerAnswer() throws Exception {
        JdkHttpClientFeignClient client = client(Duration.ofSeconds(5));
        try (Response r = client.execute(get(url("/fast")), OPTIONS)) {
            assertThat(r.status()).isEqualTo(200); // the client's and the timer's threads exist now
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        for (int i = 0; i < 100; i++) {
            try (Response r = client.execute(get(url("/fast")), OPTIONS)) {
                assertThat(r.status()).isEqualTo(200);
            }
        }

        // sendAsync handed each answer to CompletableFuture's default executor: a new thread per
        // answer on a machine with fewer than three CPUs (the server's pool reuses its threads)
        assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(20);
    }
}
