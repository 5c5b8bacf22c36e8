package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.testkit.TokenRefresherOptionsContract;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;

/** An adapter's builder as {@link TokenRefresherOptionsContract.Options}: every call goes to the one builder. */
public final class BuilderOptions<R extends TokenRefresher> implements TokenRefresherOptionsContract.Options<R> {
    private final HttpRefresherBuilder<?, R> builder;

    private BuilderOptions(HttpRefresherBuilder<?, R> builder) {
        this.builder = builder;
    }

    /** Options that set {@code builder}. */
    public static <R extends TokenRefresher> BuilderOptions<R> of(HttpRefresherBuilder<?, R> builder) {
        return new BuilderOptions<>(builder);
    }

    @Override
    public BuilderOptions<R> baseUrl(URI baseUrl) {
        builder.baseUrl(baseUrl);
        return this;
    }

    @Override
    public BuilderOptions<R> baseUrl(String baseUrl) {
        builder.baseUrl(baseUrl);
        return this;
    }

    @Override
    public BuilderOptions<R> connectTimeout(Duration timeout) {
        builder.connectTimeout(timeout);
        return this;
    }

    @Override
    public BuilderOptions<R> readTimeout(Duration timeout) {
        builder.readTimeout(timeout);
        return this;
    }

    @Override
    public BuilderOptions<R> trustStore(KeyStore trustStore) {
        builder.trustStore(trustStore);
        return this;
    }

    @Override
    public BuilderOptions<R> trustStore(Path file, char[] password) {
        builder.trustStore(file, password);
        return this;
    }

    @Override
    public BuilderOptions<R> trustedCertificates(Path pemFile) {
        builder.trustedCertificates(pemFile);
        return this;
    }

    @Override
    public BuilderOptions<R> proxy(InetSocketAddress proxy) {
        builder.proxy(proxy);
        return this;
    }

    @Override
    public BuilderOptions<R> proxy(String host, int port) {
        builder.proxy(host, port);
        return this;
    }

    @Override
    public BuilderOptions<R> allowPlainHttp(boolean allow) {
        builder.allowPlainHttp(allow);
        return this;
    }

    @Override
    public BuilderOptions<R> userAgent(String userAgent) {
        builder.userAgent(userAgent);
        return this;
    }

    @Override
    public BuilderOptions<R> maxResponseBytes(int bytes) {
        builder.maxResponseBytes(bytes);
        return this;
    }

    @Override
    public BuilderOptions<R> clock(Clock clock) {
        builder.clock(clock);
        return this;
    }

    @Override
    public R build() {
        return builder.build();
    }
}
