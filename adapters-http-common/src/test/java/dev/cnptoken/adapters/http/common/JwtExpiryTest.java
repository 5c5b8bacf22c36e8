package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link JwtExpiry#of}: the {@code exp} claim of a JWT-shaped access token, or nothing. */
class JwtExpiryTest {
    private static final long LATEST_SECONDS = 4_102_444_800L;

    @Test
    void readsTheExpClaimOfTheDocumentedPayload() {
        String token = TestSecrets.jwt("{\"scope\":\"API\",\"iss\":\"fauth-server\",\"host\":[\"FCWP\"],\"exp\":1585002361}");
        assertThat(JwtExpiry.of(new AccessToken(token)))
                .contains(Instant.parse("2020-03-23T22:26:01Z"));
    }

    @Property(tries = 300)
    void readsAnyPlausibleExpInSeconds(@ForAll @LongRange(min = 1, max = LATEST_SECONDS) long exp) {
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwtWithExp(exp))))
                .contains(Instant.ofEpochSecond(exp));
    }

    @Property(tries = 200)
    void readsThePayloadWithOrWithoutBase64Padding(
            @ForAll @LongRange(min = 1_500_000_000L, max = 2_000_000_000L) long exp,
            @ForAll @IntRange(min = 0, max = 5) int extra) {
        // varying the payload length by 0..5 characters exercises every padding length
        String payload = "{\"exp\":" + exp + ",\"x\":\"" + "a".repeat(extra) + "\"}";
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt(payload, false))))
                .contains(Instant.ofEpochSecond(exp));
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt(payload, true))))
                .contains(Instant.ofEpochSecond(exp));
    }

    @Test
    void floorsAFractionalExpAndReadsTheExponentForm() {
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt("{\"exp\":1585002361.999}"))))
                .contains(Instant.ofEpochSecond(1585002361L));
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt("{\"exp\":1.585002361E9}"))))
                .contains(Instant.ofEpochSecond(1585002361L));
    }

    @Test
    void isEmptyForTokensThatAreNotJwts() {
        for (String notJwt : List.of("I4WnuRUY0xHEsoNMDvmurq_J45VHyuxa4DRWq5mevlYB1YT1yL2TUAA8vRRNNyO0", "a.b",
                "a.b.c.d", "header..signature", "..", "eyJ0eXAiOiJKV1QiLCJhbGciiRkNXUCJdLCY7RGkrRn6hvfqCbPF9LGNchYGMiEIK2WljPqSbffsk0")) {
            assertThat(JwtExpiry.of(new AccessToken(notJwt))).as(notJwt).isEmpty();
        }
    }

    @Test
    void isEmptyForAPayloadThatIsNotBase64Url() {
        assertThat(JwtExpiry.of(new AccessToken("h.!!!not*base64!!!.s"))).isEmpty();
        // standard (not url-safe) alphabet characters
        String standard = Base64.getEncoder().encodeToString("{\"exp\":1585002361,\"k\":\"??>>??\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(standard).containsAnyOf("+", "/");
        assertThat(JwtExpiry.of(new AccessToken("h." + standard + ".s"))).isEmpty();
        // a single base64 character cannot encode a byte
        assertThat(JwtExpiry.of(new AccessToken("h.e.s"))).isEmpty();
    }

    @Test
    void isEmptyWhenThePayloadIsNotAJsonObject() {
        for (String payload : List.of("not json", "[1585002361]", "1585002361", "\"exp\"", "{\"exp\":1585002361",
                "{\"exp\":1585002361}{}", "{\"exp\":1585002361,\"exp\":1585002362}")) {
            assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt(payload)))).as(payload).isEmpty();
        }
    }

    @Test
    void isEmptyWhenExpIsMissingOrNotAPositivePlausibleNumber() {
        for (String payload : List.of("{}", "{\"scope\":\"API\"}", "{\"exp\":null}", "{\"exp\":\"1585002361\"}",
                "{\"exp\":true}", "{\"exp\":[1585002361]}", "{\"exp\":{\"s\":1585002361}}", "{\"exp\":0}",
                "{\"exp\":-1585002361}", "{\"exp\":" + (LATEST_SECONDS + 1) + "}", "{\"exp\":1e300}",
                "{\"EXP\":1585002361}", "{\"exp\":1e999999999}")) {
            assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt(payload)))).as(payload).isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // guards against a hang, not a speed check
    void isEmptyForAnExpBelowOneSecondEvenWithAnEnormousExponent() {
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt("{\"exp\":0.5}")))).isEmpty();
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt("{\"exp\":1e-99999999}")))).isEmpty();
    }

    @Test
    void acceptsTheLatestPlausibleExp() {
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwtWithExp(LATEST_SECONDS))))
                .contains(ExpiresField.LATEST_PLAUSIBLE_EXPIRY);
    }

    @Test
    void isEmptyForAnOversizedPayload() {
        String big = "{\"exp\":1585002361,\"pad\":\"" + "x".repeat(20_000) + "\"}";
        assertThat(JwtExpiry.of(new AccessToken(TestSecrets.jwt(big)))).isEmpty();
    }
}
