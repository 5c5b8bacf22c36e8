package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever arrives, the wire rules answer with a value or a {@link TokenException}: no library
 * exception, no secret in a message, no negative delay.
 */
class WireRulesRobustnessTest {
    private static final Instant NOW = Instant.parse("2026-11-28T22:00:00Z");

    @Property(tries = 2000)
    void toGrantAnswersAnyDecodedObjectWithAGrantOrATypedFailure(
            @ForAll("responses") Map<String, Object> body, @ForAll TokenCall call) {
        Throwable t = catchThrowable(() -> {
            TokenGrant grant = GrantReader.read(call, body);
            assertThat(grant.tokenType()).isEqualTo("bearer");
            assertThat(grant.expiresAt()).isAfter(Instant.EPOCH).isBeforeOrEqualTo(ExpiresField.LATEST_PLAUSIBLE_EXPIRY);
            if (call == TokenCall.LOGIN) {
                assertThat(grant.refreshToken()).isPresent();
            }
        });
        if (t != null) {
            assertThat(t).isInstanceOf(TokenException.class);
            TokenException e = (TokenException) t;
            assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
            assertThat(e.getMessage()).doesNotContain("SENTINEL");
        }
    }

    @Property(tries = 1000)
    void parseExpiresAnswersAnyValueWithAnInstantOrATypedFailure(@ForAll("fieldValues") Object raw) {
        Throwable t = catchThrowable(() -> assertThat(ExpiresField.parse(raw))
                .isAfter(Instant.EPOCH).isBeforeOrEqualTo(ExpiresField.LATEST_PLAUSIBLE_EXPIRY));
        if (t != null) {
            assertThat(t).isInstanceOf(TokenException.class);
            assertThat(t.getMessage()).contains("expires").doesNotContain("SENTINEL");
        }
    }

    @Property(tries = 1000)
    void jwtExpiryNeverThrows(@ForAll("tokenLike") String value) {
        Optional<Instant> exp = JwtExpiry.of(new AccessToken(value));
        exp.ifPresent(i -> assertThat(i).isAfter(Instant.EPOCH).isBeforeOrEqualTo(ExpiresField.LATEST_PLAUSIBLE_EXPIRY));
    }

    @Property(tries = 1000)
    void parseRetryAfterNeverThrowsNorGoesNegative(@ForAll("headers") String header) {
        Optional<Duration> d = RetryAfter.parse(header, NOW);
        d.ifPresent(x -> assertThat(x.isNegative()).isFalse());
    }

    @Property(tries = 1000)
    void everyStatusIsClassifiedAndOnlyTransientOnesAreRetryable(
            @ForAll @IntRange(min = 100, max = 599) int status, @ForAll TokenCall call) {
        Failure f = FailureClassifier.classify(call, status, Optional.empty(), Optional.empty(), Optional.empty());
        boolean transientStatus = status == 408 || status == 425 || status == 429 || status >= 500;
        assertThat(f.retryable()).isEqualTo(transientStatus);
        assertThat(f).isInstanceOf(transientStatus ? Failure.Unavailable.class : Failure.Rejected.class);
        if (f instanceof Failure.Rejected r) {
            boolean refusedSubject = status == 400 || status == 401 || status == 403;
            assertThat(r.subject()).isEqualTo(refusedSubject ? call.rejectedSubject() : Failure.Subject.REQUEST);
        }
        assertThat(f.describe()).contains(Integer.toString(status));
    }

    @Property(tries = 500)
    void anyOauthCodeAndDescriptionGiveAPrintableOneLineDescription(
            @ForAll("headers") String code, @ForAll("headers") String description, @ForAll TokenCall call,
            @ForAll @IntRange(min = 400, max = 599) int status) {
        Failure f = FailureClassifier.classify(call, status, Optional.of(code), Optional.of(description), Optional.empty());
        assertThat(f.describe().chars().filter(Character::isISOControl).count()).isZero();
        assertThat(f.describe().length()).isLessThan(600);
    }

    // ---- arbitraries ----

    @Provide
    Arbitrary<Map<String, Object>> responses() {
        Arbitrary<String> keys = Arbitraries.of("access_token", "refresh_token", "token_type", "expires", "scope");
        return Arbitraries.entries(keys, fieldValues()).list().ofMaxSize(6).map(entries -> {
            Map<String, Object> m = new LinkedHashMap<>();
            entries.forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        });
    }

    @Provide
    Arbitrary<Object> fieldValues() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of("bearer", "BEARER", "mac", "", " ", "1585002361532", "1.585002361532E12", "-1",
                        "1e99999999999", "1e-99999999", "0.5", "NaN", "SENTINEL-x-5f1a2b3c4d5e6f708192a3b4c5d6e7f8",
                        "SENTINEL-with\ncontrol", TestSecrets.jwtWithExp(1585002361L), TestSecrets.jwt("{\"exp\":\"x\"}")),
                Arbitraries.strings().all().ofMaxLength(20).map(s -> "SENTINEL-" + s),
                Arbitraries.strings().withChars("0123456789.eE+-").ofMaxLength(20),
                Arbitraries.longs(),
                Arbitraries.integers(),
                Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE),
                Arbitraries.bigDecimals().between(new BigDecimal("-1e15"), new BigDecimal("1e15")).ofScale(4),
                Arbitraries.of(new BigDecimal("1E+999999999"), new BigDecimal("1E-999999999"), BigInteger.TEN.pow(40)),
                Arbitraries.of(true, false),
                Arbitraries.of(List.of(), List.of("SENTINEL-in-list"), Map.of(), Map.of("k", "SENTINEL-in-map")));
    }

    @Provide
    Arbitrary<String> tokenLike() {
        Arbitrary<String> part = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/")
                .ofMaxLength(40);
        Arbitrary<String> jwtish = net.jqwik.api.Combinators.combine(part, part, part).as((a, b, c) -> a + "." + b + "." + c);
        Arbitrary<String> realPayload = Arbitraries.strings().all().ofMaxLength(30)
                .map(s -> TestSecrets.jwt("{\"exp\":" + s + "}"));
        Arbitrary<String> numberPayload = Arbitraries.strings().withChars("0123456789.eE+-").ofMinLength(1).ofMaxLength(15)
                .map(s -> TestSecrets.jwt("{\"exp\":" + s + "}"));
        return Arbitraries.oneOf(jwtish, realPayload, numberPayload, part)
                .filter(s -> !s.isBlank() && s.chars().noneMatch(c -> c < 0x20 || c == 0x7f));
    }

    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().numeric().ofMaxLength(30),
                Arbitraries.strings().withChars("0123456789 ,:-+GMTWedOct").ofMaxLength(32),
                Arbitraries.of("Wed, 21 Oct 2015 07:28:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Fri, 31 Dec 2099 23:59:59 GMT"));
    }
}
