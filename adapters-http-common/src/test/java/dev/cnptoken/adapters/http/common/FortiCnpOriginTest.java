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
    void needsAnAbsoluteHttpBaseUrl() {
        assertThatThrownBy(() -> FortiCnpOrigin.of(URI.create("/relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FortiCnpOrigin.of(URI.create("ftp://www.forticnp.com"))).isInstanceOf(IllegalArgumentException.class);
    }
}
