package dev.cnptoken.adapters.http.retrofit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.testkit.TokenRefresherContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refresher contract over plain HTTP on loopback. */
class RetrofitTokenRefresherTest extends TokenRefresherContract {
    static {
        LogCapture.lines();
    }

    @Override
    protected TokenRefresher newRefresher(Target target) {
        RetrofitTokenRefresher.Builder b = RetrofitTokenRefresher.builder()
                .baseUrl(target.baseUrl())
                .connectTimeout(target.connectTimeout())
                .readTimeout(target.readTimeout())
                .clock(target.clock());
        target.trustedCertificatePem().ifPresent(b::trustedCertificates);
        return b.build();
    }

    @Override
    protected List<String> capturedLogLines() {
        return LogCapture.lines();
    }

    @Test
    void logsOneLinePerCallThatTheLeakCheckCanSee() {
        refresher.login(credential);

        assertThat(LogCapture.lines()).anySatisfy(l -> assertThat(l).contains("login answered HTTP 200"));
    }
}
