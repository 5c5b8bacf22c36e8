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

/**
 * A Feign {@link Client} on the JDK {@link HttpClient}. Unlike {@code feign-java11}'s client it
 * receives the body into memory while it arrives and stops after {@code cap + 1} bytes (so an
 * oversized answer is never held whole), and {@code send} returns only with the body complete (no
 * stream handed across threads, which costs latency). The read timeout is Feign's per-request
 * option; connect timeout, TLS trust, proxy and redirect policy belong to the {@link HttpClient}.
 */
final class JdkHttpClientFeignClient implements Client {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final int cap;

    JdkHttpClientFeignClient(HttpClient http, int cap) {
        this.http = http;
        this.cap = cap;
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
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), info -> new CappedBody(cap));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for the answer");
            io.initCause(e);
            throw io;
        }
        Map<String, Collection<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        return Response.builder()
                .status(response.statusCode())
                .headers(headers)
                .body(response.body())
                .request(request)
                .build();
    }

    /** Collects up to {@code cap + 1} bytes, then cancels the rest of the body. */
    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

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
