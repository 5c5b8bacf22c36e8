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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Feign {@link Client} on the JDK {@link HttpClient}. Unlike {@code feign-java11}'s client it
 * receives the body into memory while it arrives and stops after {@code cap + 1} bytes (so an
 * oversized answer is never held whole), it returns only with the body complete (no stream handed
 * across threads, which costs latency), and it bounds the whole exchange by a deadline: the JDK's
 * request timeout ends only the wait for the headers, so a server trickling its body would hold the
 * call for ever. When the deadline passes, the exchange is cancelled (body subscription and
 * request) and {@link DeadlineExceeded} is thrown. The read timeout is Feign's per-request option;
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
     * Sends {@code request} and waits for the whole answer until the deadline; what {@link
     * HttpClient#send} does, with a bound on the body too.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException {
        AtomicReference<CappedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> {
            CappedBody b = new CappedBody(cap);
            body.set(b);
            return b;
        });
        try {
            return pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(pending, body.get());
            DeadlineExceeded io = new DeadlineExceeded();
            io.initCause(e);
            throw io;
        } catch (InterruptedException e) {
            cancel(pending, body.get());
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for the answer");
            io.initCause(e);
            throw io;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("the HTTP client failed (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }

    /** Stops a pending exchange: the body subscription (closing the connection) and the request. */
    private static void cancel(CompletableFuture<?> pending, CappedBody body) {
        if (body != null) {
            body.abort();
        }
        pending.cancel(true);
    }

    /** Collects up to {@code cap + 1} bytes, then cancels the rest of the body. */
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
