package dev.cnptoken.adapters.http.feign;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Feign {@link Client} on the JDK {@link HttpClient}. Unlike {@code feign-java11}'s client it
 * receives the body into memory while it arrives and stops after {@code cap + 1} bytes (so an
 * oversized answer is never held whole), it returns only with the body complete (no stream handed
 * across threads, which costs latency), and it bounds the whole exchange by a deadline: the JDK's
 * request timeout ends only the wait for the headers, so a server trickling its body would hold the
 * call for ever. When the deadline passes, the calling thread is interrupted, the exchange cancelled
 * (body subscription and request) and {@link DeadlineExceeded} is thrown. The read timeout is Feign's per-request option;
 * connect timeout, TLS trust, proxy and redirect policy belong to the {@link HttpClient}.
 */
final class JdkHttpClientFeignClient implements Client {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final int cap;
    private final Duration deadline;

    /**
     * @param cap the most body bytes kept (one more is read to tell an oversized body)
     * @param deadline the longest a whole exchange may take
     */
    JdkHttpClientFeignClient(HttpClient http, int cap, Duration deadline) {
        this.http = http;
        this.cap = cap;
        this.deadline = deadline;
    }

    /** The exchange's deadline passed; it was cancelled. */
    static final class DeadlineExceeded extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded() {
            super("the call deadline passed");
        }
    }

    @Override
    public Response execute(Request request, Request.Options options) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(Duration.ofMillis(options.readTimeoutMillis()));
        for (Map.Entry<String, Collection<String>> h : request.headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : h.getValue()) {
                    b.header(h.getKey(), value);
                }
            }
        }
        byte[] body = request.body();
        b.method(request.httpMethod().name(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> response = exchange(b.build());
        Map<String, Collection<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        return Response.builder()
                .status(response.statusCode())
                .headers(headers)
                .body(response.body())
                .request(request)
                .build();
    }

    /**
     * Sends with the blocking {@link HttpClient#send}, on the calling thread, and interrupts that
     * thread when the deadline passes ({@code send} then cancels the exchange). Not {@code sendAsync}:
     * it hands every answer to the default {@code CompletableFuture} executor, which on a machine
     * with fewer than three CPUs (a small container) starts a new thread per answer, and it runs the
     * exchange on the client's worker threads instead of inline; together they cost a bulk {@code
     * rotate} about a third of its CPU.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException {
        AtomicReference<CappedBody> body = new AtomicReference<>();
        Watch watch = Watch.start(deadline);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, info -> {
                CappedBody b = new CappedBody(cap);
                body.set(b);
                return b;
            });
        } catch (InterruptedException e) {
            CappedBody b = body.get();
            if (b != null) {
                b.abort();
            }
            if (watch.end()) {
                DeadlineExceeded io = new DeadlineExceeded();
                io.initCause(e);
                throw io;
            }
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for the answer");
            io.initCause(e);
            throw io;
        } catch (IOException | RuntimeException e) {
            watch.end();
            throw e;
        }
        watch.end(); // a deadline that passed after the answer was complete leaves the answer standing
        return response;
    }

    /**
     * Interrupts the calling thread when a deadline passes, unless {@link #end} came first. The
     * interrupt is this watch's own: {@link #end} waits until it has been delivered and clears it,
     * so it never leaks into the caller's next blocking call.
     */
    static final class Watch implements Runnable {
        private static final int RUNNING = 0;
        private static final int FIRING = 1;
        private static final int FIRED = 2;
        private static final int ENDED = 3;

        private final Thread caller = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private volatile ScheduledFuture<?> timer;

        private Watch() {}

        static Watch start(Duration deadline) {
            Watch w = new Watch();
            w.timer = Timer.INSTANCE.schedule(w, deadline.toNanos(), TimeUnit.NANOSECONDS);
            return w;
        }

        @Override
        public void run() {
            if (state.compareAndSet(RUNNING, FIRING)) {
                caller.interrupt();
                state.set(FIRED);
            }
        }

        /** Stops watching; true when the deadline had passed (its interrupt is then cleared). */
        boolean end() {
            if (state.compareAndSet(RUNNING, ENDED)) {
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                return false;
            }
            while (state.get() == FIRING) {
                Thread.onSpinWait();
            }
            if (state.get() == FIRED) {
                Thread.interrupted();
                state.set(ENDED);
                return true;
            }
            return false; // ended before
        }
    }

    /** One daemon thread for every client's deadlines; cancelled deadlines leave its queue at once. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "cnp-token-call-deadline");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buf : items) {
                int n = Math.min(buf.remaining(), cap + 1 - out.size());
                byte[] chunk = new byte[n];
                buf.get(chunk);
                out.write(chunk, 0, n);
                if (out.size() > cap) {
                    result.complete(out.toByteArray());
                    subscription.cancel();
                    return;
                }
            }
        }

        /** Cancels the body when the deadline passes; the connection is then closed, not reused. */
        void abort() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            result.completeExceptionally(new DeadlineExceeded());
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
