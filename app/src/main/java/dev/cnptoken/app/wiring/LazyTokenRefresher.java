package dev.cnptoken.app.wiring;

import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link TokenRefresher} that builds the real one at its first call, so a command that serves a
 * stored token ({@code token}, {@code status}) never pays for an HTTP client and its TLS set-up.
 *
 * <p>Thread-safe: the first callers wait for one build. Settings the real builder refuses fail that
 * call (and every later one) as {@link Failure.NotConfigured}, a typed failure the engine handles
 * like any other: the stored tokens stay as they are. {@link #close()} closes the real refresher if
 * it was built.
 */
final class LazyTokenRefresher implements TokenRefresher {
    private final Supplier<TokenRefresher> factory;
    /** Guarded by this; null until the first call. */
    private TokenRefresher delegate;
    /** Guarded by this; the refusal of the first build, repeated to every later call. */
    private Failure.NotConfigured refused;
    /** Guarded by this. */
    private boolean closed;

    LazyTokenRefresher(Supplier<TokenRefresher> factory) {
        this.factory = Objects.requireNonNull(factory, "factory == null");
    }

    @Override
    public TokenGrant login(ApiCredential credential) {
        return delegate().login(credential);
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        return delegate().refresh(refreshToken);
    }

    /** Whether the real refresher has been built (for tests and diagnostics). */
    synchronized boolean built() {
        return delegate != null;
    }

    private synchronized TokenRefresher delegate() {
        if (closed) {
            throw new IllegalStateException("the refresher is closed");
        }
        if (refused != null) {
            throw new TokenException(refused);
        }
        if (delegate == null) {
            try {
                delegate = Objects.requireNonNull(factory.get(), "factory returned null");
            } catch (ConfigException e) {
                // The message names the setting and never a secret (see Transports).
                refused = new Failure.NotConfigured("configuration: " + e.getMessage());
                throw new TokenException(refused);
            }
        }
        return delegate;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (delegate != null) {
            delegate.close();
        }
    }

    @Override
    public synchronized String toString() {
        return delegate == null ? "LazyTokenRefresher[not built]" : "LazyTokenRefresher[" + delegate + "]";
    }
}
