package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link FailureClassifier#classify}: HTTP statuses and OAuth error codes to typed failures. */
class ClassifyTest {
    private static final Optional<Duration> RETRY_AFTER = Optional.of(Duration.ofSeconds(42));

    /** What a status/code pair must turn into. */
    enum Expect {
        /** Rejected, the call's subject (credential for a login, refresh token for a refresh). */
        SUBJECT,
        /** Rejected, the request itself. */
        REQUEST,
        /** Unavailable, with the Retry-After carried through. */
        UNAVAILABLE
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // statuses without an OAuth error body
                Arguments.of(400, null, Expect.SUBJECT),
                Arguments.of(401, null, Expect.SUBJECT),
                Arguments.of(403, null, Expect.SUBJECT),
                Arguments.of(404, null, Expect.REQUEST),
                Arguments.of(405, null, Expect.REQUEST),
                Arguments.of(408, null, Expect.UNAVAILABLE),
                Arguments.of(415, null, Expect.REQUEST),
                Arguments.of(425, null, Expect.UNAVAILABLE),
                Arguments.of(429, null, Expect.UNAVAILABLE),
                Arguments.of(500, null, Expect.UNAVAILABLE),
                Arguments.of(502, null, Expect.UNAVAILABLE),
                Arguments.of(503, null, Expect.UNAVAILABLE),
                Arguments.of(504, null, Expect.UNAVAILABLE),
                Arguments.of(302, null, Expect.REQUEST),
                Arguments.of(418, null, Expect.REQUEST),
                // RFC 6749 error codes, as FortiCNP would send them with 400 or 401
                Arguments.of(400, "invalid_grant", Expect.SUBJECT),
                Arguments.of(400, "invalid_client", Expect.SUBJECT),
                Arguments.of(401, "invalid_client", Expect.SUBJECT),
                Arguments.of(400, "unauthorized_client", Expect.SUBJECT),
                Arguments.of(400, "invalid_request", Expect.REQUEST),
                Arguments.of(401, "invalid_request", Expect.REQUEST),
                Arguments.of(400, "unsupported_grant_type", Expect.REQUEST),
                Arguments.of(400, "temporarily_unavailable", Expect.UNAVAILABLE),
                Arguments.of(400, "server_error", Expect.UNAVAILABLE),
                Arguments.of(503, "temporarily_unavailable", Expect.UNAVAILABLE),
                Arguments.of(500, "server_error", Expect.UNAVAILABLE),
                // a code decides even with an unusual status; a 5xx is transient whatever the body says
                Arguments.of(404, "invalid_grant", Expect.SUBJECT),
                Arguments.of(200, "invalid_client", Expect.SUBJECT),
                Arguments.of(503, "invalid_grant", Expect.UNAVAILABLE),
                // codes are read case-insensitively and without surrounding white space
                Arguments.of(400, " INVALID_GRANT ", Expect.SUBJECT),
                Arguments.of(400, "Temporarily_Unavailable", Expect.UNAVAILABLE),
                // an unknown code falls back to the status
                Arguments.of(400, "something_new", Expect.SUBJECT),
                Arguments.of(404, "something_new", Expect.REQUEST),
                Arguments.of(429, "something_new", Expect.UNAVAILABLE),
                Arguments.of(400, "", Expect.SUBJECT),
                Arguments.of(404, "   ", Expect.REQUEST));
    }

    static Stream<Arguments> tableForBothCalls() {
        return table().flatMap(a -> Stream.of(TokenCall.values())
                .map(call -> Arguments.of(call, a.get()[0], a.get()[1], a.get()[2])));
    }

    @ParameterizedTest(name = "{0} HTTP {1} error={2} -> {3}")
    @MethodSource("tableForBothCalls")
    void classifiesEveryStatusAndCode(TokenCall call, int status, String code, Expect expect) {
        Failure f = FailureClassifier.classify(call, status, Optional.ofNullable(code), Optional.empty(), RETRY_AFTER);

        switch (expect) {
            case UNAVAILABLE -> {
                assertThat(f).isInstanceOf(Failure.Unavailable.class);
                Failure.Unavailable u = (Failure.Unavailable) f;
                assertThat(u.retryable()).isTrue();
                assertThat(u.retryAfter()).isEqualTo(RETRY_AFTER);
                assertThat(u.status()).hasValue(status);
                assertThat(u.kind()).isEqualTo("unavailable");
                assertThat(u.describe()).contains("HTTP " + status).contains("retry after 42 s");
            }
            case SUBJECT, REQUEST -> {
                assertThat(f).isInstanceOf(Failure.Rejected.class);
                Failure.Rejected r = (Failure.Rejected) f;
                assertThat(r.retryable()).isFalse();
                assertThat(r.kind()).isEqualTo("rejected");
                assertThat(r.status()).hasValue(status);
                Failure.Subject subject = expect == Expect.SUBJECT ? call.rejectedSubject() : Failure.Subject.REQUEST;
                assertThat(r.subject()).isEqualTo(subject);
                assertThat(r.needsHuman()).isEqualTo(subject != Failure.Subject.REFRESH_TOKEN);
                String normalised = code == null ? "" : code.strip().toLowerCase(java.util.Locale.ROOT);
                if (normalised.isEmpty()) {
                    assertThat(r.oauthError()).isEmpty();
                } else {
                    assertThat(r.oauthError()).contains(normalised);
                    assertThat(r.describe()).contains("error=" + normalised);
                }
            }
            default -> throw new AssertionError(expect);
        }
    }

    @ParameterizedTest
    @EnumSource(TokenCall.class)
    void rejectsTheCallsOwnSubject(TokenCall call) {
        Failure.Rejected r = (Failure.Rejected)
                FailureClassifier.classify(call, 400, Optional.of("invalid_grant"), Optional.empty(), Optional.empty());
        if (call == TokenCall.LOGIN) {
            assertThat(r.subject()).isEqualTo(Failure.Subject.CREDENTIAL);
            assertThat(r.describe()).contains("credential");
        } else {
            assertThat(r.subject()).isEqualTo(Failure.Subject.REFRESH_TOKEN);
            assertThat(r.describe()).contains("refresh token");
            assertThat(r.needsHuman()).isFalse();
        }
    }

    @Test
    void carriesAnAbsentRetryAfterAsAbsent() {
        Failure.Unavailable u = (Failure.Unavailable) FailureClassifier.classify(
                TokenCall.REFRESH, 503, Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(u.retryAfter()).isEmpty();
        assertThat(u.describe()).doesNotContain("retry after");
    }

    @Test
    void hintsAtTheBaseUrlFor404AndRedirects() {
        assertThat(FailureClassifier.classify(TokenCall.LOGIN, 404, Optional.empty(), Optional.empty(), Optional.empty())
                .describe()).contains("base URL");
        assertThat(FailureClassifier.classify(TokenCall.LOGIN, 302, Optional.empty(), Optional.empty(), Optional.empty())
                .describe()).contains("redirect").contains("base URL");
    }

    @Test
    void showsTheErrorDescriptionShortenedAndWithoutControlCharacters() {
        String description = "Refresh token expired\r\nX-Injected: yes\u0000\u0085\u001b[31m " + "x y ".repeat(100);
        String described = FailureClassifier.classify(
                        TokenCall.REFRESH, 400, Optional.of("invalid_grant"), Optional.of(description), Optional.empty())
                .describe();
        assertThat(described).contains("Refresh token expired").contains("X-Injected: yes").contains("...");
        assertThat(described.chars().filter(Character::isISOControl).count()).isZero();
        assertThat(described.length()).isLessThan(description.length());
    }

    @Test
    void redactsTokenShapedTextThatAServerEchoesInItsDescription() {
        String echoed = "I4WnuRUY0xHEsoNMDvmurq_J45VHyuxa4DRWq5mevlYB1YT1yL2TUAA8vRRNNyO0";
        String described = FailureClassifier.classify(TokenCall.REFRESH, 400, Optional.of("invalid_grant"),
                Optional.of("refresh token " + echoed + " is expired"), Optional.empty()).describe();
        assertThat(described).contains("refresh token [redacted] is expired").doesNotContain(echoed.substring(8, 30));
    }

    @Test
    void ignoresABlankDescriptionAndCleansAnOddCode() {
        Failure.Rejected r = (Failure.Rejected) FailureClassifier.classify(
                TokenCall.LOGIN, 401, Optional.of("invalid_client\n"), Optional.of("   "), Optional.empty());
        assertThat(r.oauthError()).contains("invalid_client");
        assertThat(r.describe()).doesNotContain("(").doesNotContain("\n");
    }

    @Test
    void wrapsIntoATokenExceptionWithTheSameRetryability() {
        Failure transient_ = FailureClassifier.classify(TokenCall.REFRESH, 429, Optional.empty(), Optional.empty(),
                RETRY_AFTER);
        Failure permanent = FailureClassifier.classify(TokenCall.LOGIN, 401, Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(new TokenException(transient_).retryable()).isTrue();
        assertThat(new TokenException(permanent).retryable()).isFalse();
        assertThat(new TokenException(permanent).getMessage()).isEqualTo(permanent.describe());
    }
}
