package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NoTlsContextTest {
    @Test
    void refusesEveryUseOfTls() {
        assertThatThrownBy(() -> NoTlsContext.INSTANCE.createSSLEngine()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> NoTlsContext.INSTANCE.getSocketFactory()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NoTlsContext.INSTANCE.init(null, null, null)).isInstanceOf(IllegalStateException.class);
        assertThat(NoTlsContext.INSTANCE.getDefaultSSLParameters()).isNotNull();
    }

    @Test
    void aPlainHttpBaseUrlGetsTheContextThatRefusesTls() {
        assertThat(settings("http://127.0.0.1:8080").clientSslContext()).isSameAs(NoTlsContext.INSTANCE);
    }

    @Test
    void anHttpsBaseUrlGetsARealContextWithTheConfiguredTrust() {
        HttpSettings https = settings("https://fortixdr.example");

        assertThat(https.clientSslContext()).isNotSameAs(NoTlsContext.INSTANCE).isSameAs(https.sslContext());
        assertThat(https.clientSslContext().getProtocol()).isEqualTo("TLS");
    }

    private static HttpSettings settings(String baseUrl) {
        return new HttpSettings(URI.create(baseUrl), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2),
                TrustMaterial.jvmDefault(), Optional.empty(), Optional.empty(), "test", 65536, Clock.systemUTC());
    }
}
