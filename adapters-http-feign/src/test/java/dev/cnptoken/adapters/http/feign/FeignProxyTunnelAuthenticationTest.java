package dev.cnptoken.adapters.http.feign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The JDK HttpClient's limit on Basic proxy credentials in HTTPS tunnels, and how {@link
 * FeignTokenRefresher.Builder} reports it instead of failing later with a misleading 407.
 */
class FeignProxyTunnelAuthenticationTest {
    @Test
    void readsTheJdkTunnellingPropertyAsTheJdkDoes() {
        assertThat(FeignTokenRefresher.Builder.basicDisabledForTunnels(null)).as("net.properties default").isTrue();
        assertThat(FeignTokenRefresher.Builder.basicDisabledForTunnels("Basic")).isTrue();
        assertThat(FeignTokenRefresher.Builder.basicDisabledForTunnels("Digest, basic")).isTrue();
        assertThat(FeignTokenRefresher.Builder.basicDisabledForTunnels("")).isFalse();
        assertThat(FeignTokenRefresher.Builder.basicDisabledForTunnels("none")).isFalse();
    }

    @Test
    void refusesProxyAuthenticationOverHttpsWhenTheJdkWouldDropTheCredentials() {
        String before = System.getProperty(FeignTokenRefresher.TUNNELING_DISABLED_SCHEMES);
        System.setProperty(FeignTokenRefresher.TUNNELING_DISABLED_SCHEMES, "Basic");
        try {
            FeignTokenRefresher.Builder b = FeignTokenRefresher.builder()
                    .baseUrl(FeignTokenRefresher.GLOBAL_BASE_URL)
                    .proxy(new InetSocketAddress("127.0.0.1", 3128))
                    .proxyAuthentication("puser", "SENTINEL-proxy-password".toCharArray());

            assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Djdk.http.auth.tunneling.disabledSchemes=")
                    .hasMessageNotContaining("SENTINEL");
            // plain http through the same proxy is not a tunnel: the credentials go with each request
            b.baseUrl("http://127.0.0.1:9").build().close();
        } finally {
            if (before == null) {
                System.clearProperty(FeignTokenRefresher.TUNNELING_DISABLED_SCHEMES);
            } else {
                System.setProperty(FeignTokenRefresher.TUNNELING_DISABLED_SCHEMES, before);
            }
        }
    }
}
