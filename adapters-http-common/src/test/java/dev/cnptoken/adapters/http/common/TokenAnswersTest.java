package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@link TokenAnswers#interpret}: the strict decoding in front of the wire rules, as the adapters call it. */
class TokenAnswersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:27:00Z"), ZoneOffset.UTC);
    private static final int CAP = 64 * 1024;

    @Test
    void readsTheDocumentedRefreshAnswerExactly() {
        TokenGrant grant = interpret(200, "{\"token_type\":\"bearer\",\"expires\":1.585002361532E12,"
                + "\"access_token\":\"" + TestSecrets.sentinel("access") + "\"}");
        assertThat(grant.expiresAt()).isEqualTo(Instant.parse("2020-03-23T22:26:01.532Z"));
        assertThat(grant.refreshToken()).isEmpty();
    }

    @Test
    void refusesASuccessThatIsNotStrictJsonNamingThePositionButNotTheBody() {
        String access = TestSecrets.sentinel("access");
        for (String body : new String[] {
            "\ufeff{\"access_token\":\"" + access + "\",\"expires\":1585002361532}",
            "{\"access_token\":\"" + access + "\",\"access_token\":\"" + access + "\",\"expires\":1585002361532}",
            "{\"access_token\":\"" + access + "\",\"expires\":1585002361532} {}",
            "{\"access_token\":'" + access + "',\"expires\":1585002361532}",
            "{\"access_token\":\"" + access + "\",\"expires\":NaN}"}) {
            TokenException e = catchThrowableOfType(TokenException.class, () -> interpret(200, body));
            assertThat(e).as(body).isNotNull();
            assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
            assertThat(e.getMessage()).startsWith("malformed response: refresh answer is not valid JSON");
            TestSecrets.assertNoSecret(e.getMessage(), access);
            assertThat(e.getCause()).isNull();
        }
    }

    @Test
    void refusesASuccessInAnotherEncodingThanUtf8() {
        byte[] utf16 = ("{\"access_token\":\"" + TestSecrets.sentinel("access") + "\",\"expires\":1585002361532}")
                .getBytes(StandardCharsets.UTF_16);
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> TokenAnswers.interpret(TokenCall.LOGIN, 200, utf16, CAP, null, CLOCK));
        assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
        assertThat(e.getMessage()).contains("login answer is not UTF-8");
    }

    @Test
    void refusesAnOversizedOrEmptySuccessBeforeDecodingIt() {
        TokenException big = catchThrowableOfType(TokenException.class,
                () -> TokenAnswers.interpret(TokenCall.REFRESH, 200, new byte[CAP + 1], CAP, null, CLOCK));
        assertThat(big.getMessage()).contains("larger than " + CAP + " bytes");
        TokenException empty = catchThrowableOfType(TokenException.class, () -> interpret(200, ""));
        assertThat(empty.getMessage()).contains("empty body");
    }

    @Test
    void classifiesAnErrorBodyThatIsNotStrictJsonByItsStatusAlone() {
        // duplicate keys: the body is not trusted, so its code is not read
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> interpret(400, "{\"error\":\"temporarily_unavailable\",\"error\":\"invalid_grant\"}"));
        assertThat(e.failure()).isInstanceOfSatisfying(Failure.Rejected.class,
                r -> assertThat(r.oauthError()).isEmpty());
        TokenException html = catchThrowableOfType(TokenException.class,
                () -> interpret(503, "<html><body>down</body></html>"));
        assertThat(html.failure()).isInstanceOf(Failure.Unavailable.class);
    }

    @Test
    void readsTheOauthCodeAndTheRetryAfterDateOfAnErrorAnswer() {
        TokenException e = catchThrowableOfType(TokenException.class, () -> TokenAnswers.interpret(TokenCall.REFRESH, 503,
                "{\"error\":\"temporarily_unavailable\"}".getBytes(StandardCharsets.UTF_8), CAP,
                "Wed, 21 Oct 2015 07:28:00 GMT", CLOCK));
        assertThat(e.failure()).isInstanceOfSatisfying(Failure.Unavailable.class,
                u -> assertThat(u.retryAfter()).contains(Duration.ofMinutes(1)));
    }

    private static TokenGrant interpret(int status, String body) {
        return TokenAnswers.interpret(TokenCall.REFRESH, status, body.getBytes(StandardCharsets.UTF_8), CAP, null, CLOCK);
    }
}
