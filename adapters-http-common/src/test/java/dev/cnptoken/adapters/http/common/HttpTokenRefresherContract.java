package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.testkit.TokenRefresherContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenRefresherContract} for a refresher built by an {@link HttpRefresherBuilder}, with the
 * log lines of this JVM captured for the leak check. An adapter's test only names its builder.
 */
public abstract class HttpTokenRefresherContract extends TokenRefresherContract {
    static {
        LogCapture.lines();
    }

    /** A new builder of the refresher under test. */
    protected abstract HttpRefresherBuilder<?, ?> newBuilder();

    @Override
    protected final TokenRefresher newRefresher(Target target) {
        HttpRefresherBuilder<?, ?> b = newBuilder()
                .baseUrl(target.baseUrl())
                .connectTimeout(target.connectTimeout())
                .readTimeout(target.readTimeout())
                .callTimeout(target.callTimeout())
                .clock(target.clock());
        target.trustedCertificatePem().ifPresent(b::trustedCertificates);
        return b.build();
    }

    @Override
    protected final List<String> capturedLogLines() {
        return LogCapture.lines();
    }

    @Test
    void logsOneLinePerCallThatTheLeakCheckCanSee() {
        refresher.login(credential);

        assertThat(LogCapture.lines()).anySatisfy(l -> assertThat(l).contains("login answered HTTP 200"));
    }
}
