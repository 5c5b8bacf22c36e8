package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class FortiCnpOriginTest {
    private final FortiCnpOrigin origin = FortiCnpOrigin.of(URI.create("https://www.forticnp.com"));

    @Test
    void matchesTheSameSchemeHostAndPortWhateverThePathAndCase() {
        assertThat(origin.matches(URI.create("https://www.forticnp.com/api/v1/resourceURLMap"))).isTrue();
        assertThat(origin.matches(URI.create("https://WWW.FortiCNP.com:443/api/v2/finding/list?skip=0"))).isTrue();
    }

    @Test
    void refusesAnotherHostPortOrScheme() {
        assertThat(origin.matches(URI.create("https://eu.forticnp.com/api/v1/resourceURLMap"))).isFalse();
        assertThat(origin.matches(URI.create("https://www.forticnp.com:8443/api"))).isFalse();
        assertThat(origin.matches(URI.create("http://www.forticnp.com/api"))).isFalse();
        assertThat(origin.matches(URI.create("https://www.forticnp.com.evil.example/api"))).isFalse();
        assertThat(origin.matches(URI.create("/api/v1/resourceURLMap"))).isFalse();
    }

    @Test
    void theRefusalNamesTheOriginsButNeverThePathOrQuery() {
        assertThatThrownBy(() -> origin.check(URI.create("https://evil.example/steal?token=SENTINEL-query")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refused to send the FortiCNP token to https://evil.example:443:"
                        + " only requests to https://www.forticnp.com:443 carry it")
                .hasMessageNotContaining("SENTINEL");
    }

    @Test
    void theSchemeHostPortFormAgreesWithTheUriForm() {
        assertThat(origin.matches("https", "www.forticnp.com", 443)).isTrue();
        assertThat(origin.matches("HTTPS", "WWW.FortiCNP.com", -1)).isTrue();
        assertThat(origin.matches("https", "www.forticnp.com", 8443)).isFalse();
        assertThat(origin.matches("http", "www.forticnp.com", 443)).isFalse();
        assertThat(origin.matches("https", "eu.forticnp.com", 443)).isFalse();
        assertThat(origin.matches(null, "www.forticnp.com", 443)).isFalse();
        assertThat(origin.matches("https", null, 443)).isFalse();
        assertThatThrownBy(() -> origin.check("https", "evil.example", -1))
                .hasMessage("refused to send the FortiCNP token to https://evil.example:443:"
                        + " only requests to https://www.forticnp.com:443 carry it");
    }

    @Test
    void anIpv6HostMatchesWithOrWithoutBrackets() {
        FortiCnpOrigin v6 = FortiCnpOrigin.of(URI.create("http://[::1]:8080/"));
        assertThat(v6.matches(URI.create("http://[::1]:8080/api/v1/resourceURLMap"))).isTrue();
        assertThat(v6.matches("http", "::1", 8080)).isTrue(); // OkHttp's HttpUrl.host()
        assertThat(v6.matches("http", "[::1]", 8080)).isTrue();
        assertThat(v6.matches("http", "0:0:0:0:0:0:0:1", 8080)).isTrue(); // another spelling of one address
        assertThat(FortiCnpOrigin.of(URI.create("http://[0:0:0:0:0:0:0:1]:8080")).matches("http", "::1", 8080)).isTrue();
        assertThat(v6.matches("http", "::2", 8080)).isFalse();
        assertThat(v6).hasToString("http://[0:0:0:0:0:0:0:1]:8080");
        assertThatThrownBy(() -> v6.check("http", "::2", 8080))
                .hasMessage("refused to send the FortiCNP token to http://[0:0:0:0:0:0:0:2]:8080:"
                        + " only requests to http://[0:0:0:0:0:0:0:1]:8080 carry it");
    }

    @Test
    void needsAnAbsoluteHttpBaseUrl() {
        assertThatThrownBy(() -> FortiCnpOrigin.of(URI.create("/relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FortiCnpOrigin.of(URI.create("ftp://www.forticnp.com"))).isInstanceOf(IllegalArgumentException.class);
    }
}
