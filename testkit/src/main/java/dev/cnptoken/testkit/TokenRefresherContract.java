package dev.cnptoken.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpFault.ExpiresForm;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.simulator.FortiCnpSimulator.RecordedRequest;
import dev.cnptoken.simulator.SteppingClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link TokenRefresher} must show, run against a {@link FortiCnpSimulator} on
 * loopback. An implementation's test extends this class and builds a refresher for a {@link
 * Target}; it runs once over plain HTTP and once over HTTPS ({@link #useHttps()}).
 *
 * <p>Every test uses sentinel secrets, and after each test the contract searches every captured
 * log line ({@link #capturedLogLines()}), every exception the refresher threw (the whole cause
 * chain) and the refresher's {@code toString()} for the credential and every token the simulator
 * issued: a hit fails the test.
 */
public abstract class TokenRefresherContract {
    /** A start time with milliseconds, so that millisecond exactness is visible. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
    /** The read timeout the contract gives refreshers: generous, since test machines can be loaded. */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    /** The read timeout of the refresher in the timeout test; the simulator waits longer than this. */
    protected static final Duration SHORT_READ_TIMEOUT = Duration.ofSeconds(1);
    /** The call timeout the contract gives refreshers: longer than connect and read timeout together. */
    protected static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** The call timeout of the refresher in the trickle test: far less than the trickled answer takes. */
    protected static final Duration SHORT_CALL_TIMEOUT = Duration.ofSeconds(2);
    /** The connect timeout the contract gives refreshers. */
    protected static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The body size cap the contract expects refreshers to enforce at most (1 MiB). */
    protected static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    /**
     * Where a refresher under test must point and how.
     *
     * @param baseUrl the simulator's base URL (loopback, {@code http} or {@code https})
     * @param trustedCertificatePem a PEM file with the simulator's certificate, for HTTPS; when
     *     empty, the refresher must use the JVM's default trust (which does not trust the simulator)
     * @param connectTimeout the connect timeout to configure
     * @param readTimeout the read timeout to configure
     * @param callTimeout the deadline of one whole call to configure
     * @param clock the clock to read {@code Retry-After} dates against (the simulator's clock)
     */
    public record Target(URI baseUrl, Optional<Path> trustedCertificatePem, Duration connectTimeout,
            Duration readTimeout, Duration callTimeout, Clock clock) {
        /** A target with the contract's default call timeout, {@link #CALL_TIMEOUT}. */
        public Target(URI baseUrl, Optional<Path> trustedCertificatePem, Duration connectTimeout, Duration readTimeout,
                Clock clock) {
            this(baseUrl, trustedCertificatePem, connectTimeout, readTimeout, CALL_TIMEOUT, clock);
        }
    }

    protected SteppingClock clock;
    protected FortiCnpSimulator simulator;
    protected TokenRefresher refresher;
    protected ApiCredential credential;

    private final List<TokenRefresher> refreshers = new ArrayList<>();
    private final List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> extraSecrets = ConcurrentHashMap.newKeySet();
    private final List<FortiCnpSimulator> retired = new ArrayList<>();
    private Path certificatePem;

    /** Builds the refresher under test; called once per test, and again when a test needs another. */
    protected abstract TokenRefresher newRefresher(Target target) throws Exception;

    /**
     * Every log line written since the JVM started, formatted as it would be printed (message,
     * arguments, throwable and its causes). The leak check searches them.
     */
    protected abstract List<String> capturedLogLines();

    /** Whether this run talks HTTPS to the simulator; plain HTTP unless overridden. */
    protected boolean useHttps() {
        return false;
    }

    @BeforeEach
    final void startSimulator() throws Exception {
        clock = SteppingClock.at(T0);
        credential = Sentinels.credential();
        certificatePem = Files.createTempFile("forticnp-simulator", ".pem");
        FortiCnpSimulator.writeCertificatePem(certificatePem);
        simulator = simulatorBuilder().start();
        refresher = refresherFor(simulator);
    }

    @AfterEach
    final void checkForLeaksAndStop() throws Exception {
        try {
            assertNoSecretLeaked();
        } finally {
            for (TokenRefresher r : refreshers) {
                r.close();
            }
            simulator.close();
            retired.forEach(FortiCnpSimulator::close);
            Files.deleteIfExists(certificatePem);
        }
    }

    /** The builder the contract starts its simulator from: stepping clock, sentinel credential. */
    protected FortiCnpSimulator.Builder simulatorBuilder() {
        return FortiCnpSimulator.builder().clock(clock).credential(credential).https(useHttps());
    }

    /** Replaces the simulator (and the refresher) with one built from {@code changes}. */
    protected void restartSimulator(Consumer<FortiCnpSimulator.Builder> changes) throws Exception {
        retired.add(simulator);
        FortiCnpSimulator.Builder b = simulatorBuilder();
        changes.accept(b);
        simulator = b.start();
        refresher = refresherFor(simulator);
    }

    /** A new refresher for {@code sim}, trusting its certificate; closed after the test. */
    protected TokenRefresher refresherFor(FortiCnpSimulator sim) throws Exception {
        return track(newRefresher(new Target(sim.baseUrl(), Optional.of(certificatePem), CONNECT_TIMEOUT,
                READ_TIMEOUT, clock)));
    }

    private TokenRefresher track(TokenRefresher r) {
        refreshers.add(r);
        return r;
    }

    // ---- documented behaviour ---------------------------------------------------------------

    @Test
    void logsInWithTheCredentialSentVerbatimAsTheDocumentationShows() {
        TokenGrant grant = refresher.login(credential);

        assertThat(simulator.isLive(grant.accessToken())).isTrue();
        assertThat(grant.refreshToken()).hasValueSatisfying(r -> assertThat(simulator.isLive(r)).isTrue());
        assertThat(grant.tokenType()).isEqualToIgnoringCase("bearer");
        assertThat(grant.expiresAt()).isEqualTo(T0.plus(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME));

        RecordedRequest sent = simulator.lastRequest(Endpoint.LOGIN).orElseThrow();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/api/v1/auth/credentials/token/");
        assertThat(sent.viaProxy()).isFalse();
        assertThat(sent.header("Authorization")).contains("Basic " + credential.value());
        assertThat(mediaType(sent)).isEqualTo("application/x-www-form-urlencoded");
        assertThat(sent.formFields()).isEqualTo(Map.of("grant_type", List.of("client_credentials")));
        assertThat(sent.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("cnp-token/"));
        assertThat(sent.status()).isEqualTo(200);
    }

    @Test
    void refreshesWithTheRefreshTokenInTheFormAndNoAuthorizationHeader() {
        TokenGrant login = refresher.login(credential);
        RefreshToken refreshToken = login.refreshToken().orElseThrow();
        clock.advance(Duration.ofMinutes(25));

        TokenGrant grant = refresher.refresh(refreshToken);

        assertThat(grant.accessToken()).isNotEqualTo(login.accessToken());
        assertThat(simulator.isLive(grant.accessToken())).isTrue();
        assertThat(grant.refreshToken()).as("the documented refresh answer carries no refresh token").isEmpty();
        assertThat(grant.expiresAt()).isEqualTo(clock.instant().plus(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME));

        RecordedRequest sent = simulator.lastRequest(Endpoint.REFRESH).orElseThrow();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/api/v1/auth/token/refresh");
        assertThat(sent.header("Authorization")).isEmpty();
        assertThat(mediaType(sent)).isEqualTo("application/x-www-form-urlencoded");
        assertThat(sent.formFields()).isEqualTo(Map.of(
                "grant_type", List.of("refresh_token"),
                "refresh_token", List.of(refreshToken.value())));
    }

    @Test
    void readsTheDocumentedSampleExpiryToTheMillisecond() {
        // the documented sample: "expires": 1.585002361532E12 = 2020-03-23T22:26:01.532Z
        Instant sample = Instant.parse("2020-03-23T22:26:01.532Z");
        clock.set(sample.minus(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME));

        TokenGrant grant = refresher.login(credential);

        assertThat(grant.expiresAt()).isEqualTo(sample);
        assertThat(FortiCnpSimulator.exponentForm(sample.toEpochMilli())).isEqualTo("1.585002361532E12");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedExpiresForms")
    void acceptsExpiresInEveryFormTheApiIsKnownToUse(ExpiresForm form, Instant expected) {
        TokenGrant login = refresher.login(credential);
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.expires(form));

        TokenGrant grant = refresher.refresh(login.refreshToken().orElseThrow());

        assertThat(grant.expiresAt()).isEqualTo(expected);
    }

    static Stream<Arguments> acceptedExpiresForms() {
        Instant exact = T0.plus(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME);
        return Stream.of(
                Arguments.of(ExpiresForm.EXPONENT, exact),
                Arguments.of(ExpiresForm.INTEGER, exact),
                Arguments.of(ExpiresForm.STRING, exact),
                // without expires the JWT exp claim (whole seconds) is used
                Arguments.of(ExpiresForm.ABSENT, exact.truncatedTo(ChronoUnit.SECONDS)));
    }

    @Test
    void ignoresUnknownFieldsInATokenResponse() {
        simulator.injectFault(Endpoint.LOGIN, FortiCnpFault.unknownFields());

        TokenGrant grant = refresher.login(credential);

        assertThat(simulator.isLive(grant.accessToken())).isTrue();
        assertThat(grant.refreshToken()).isPresent();
    }

    @Test
    void acceptsAResponseWithoutTokenType() {
        simulator.injectFault(Endpoint.LOGIN, FortiCnpFault.missingField("token_type"));

        assertThat(refresher.login(credential).tokenType()).isEqualTo("bearer");
    }

    @Test
    void handsBackTheRotatedRefreshTokenWhenTheServerRotatesIt() throws Exception {
        restartSimulator(b -> b.rotateRefreshTokens(true));
        RefreshToken first = refresher.login(credential).refreshToken().orElseThrow();

        TokenGrant grant = refresher.refresh(first);

        RefreshToken second = grant.refreshToken().orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(simulator.isLive(second)).isTrue();
        assertRejected(failureOf(() -> refresher.refresh(first)), Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant");
    }

    @Test
    void sendsAwkwardCredentialsAndRefreshTokensUnchanged() {
        ApiCredential awkward = new ApiCredential(Sentinels.secret("cred") + "+/=&%2B;,{x} y\"'\\:~");
        simulator.addCredential(awkward);
        RefreshToken unknown = new RefreshToken(Sentinels.secret("refresh") + "+/=&%2B;,{x} y\u00e9");
        extraSecrets.add(awkward.value());
        extraSecrets.add(unknown.value());

        refresher.login(awkward);
        Failure refused = failureOf(() -> refresher.refresh(unknown));

        assertThat(simulator.lastRequest(Endpoint.LOGIN).orElseThrow().header("Authorization"))
                .contains("Basic " + awkward.value());
        assertThat(simulator.lastRequest(Endpoint.REFRESH).orElseThrow().formFields().get("refresh_token"))
                .containsExactly(unknown.value());
        assertThat(refused).isInstanceOf(Failure.Rejected.class);
    }

    @Test
    void refusesACredentialThatAnHttpHeaderCannotCarryWithoutSendingIt() {
        ApiCredential accented = new ApiCredential(Sentinels.secret("cred") + "\u00e9");
        extraSecrets.add(accented.value());

        Failure f = failureOf(() -> refresher.login(accented));

        assertThat(f).isInstanceOf(Failure.Rejected.class);
        assertThat(((Failure.Rejected) f).subject()).isEqualTo(Failure.Subject.CREDENTIAL);
        assertThat(((Failure.Rejected) f).status()).isEmpty();
        assertThat(simulator.requestCount(Endpoint.LOGIN)).isZero();
    }

    // ---- refusals ---------------------------------------------------------------------------

    @Test
    void reportsAnUnknownCredentialAsRejectedCredential() {
        ApiCredential stranger = Sentinels.credential();
        extraSecrets.add(stranger.value());

        Failure f = failureOf(() -> refresher.login(stranger));

        assertRejected(f, Failure.Subject.CREDENTIAL, 401, "invalid_client");
        assertThat(f.retryable()).isFalse();
        assertThat(((Failure.Rejected) f).needsHuman()).isTrue();
    }

    @Test
    void reportsARevokedCredentialAsRejectedCredential() {
        refresher.login(credential);
        simulator.revokeCredential(credential);

        assertRejected(failureOf(() -> refresher.login(credential)), Failure.Subject.CREDENTIAL, 401, "invalid_client");
    }

    @Test
    void reportsAnUnknownRefreshTokenAsRejectedRefreshToken() {
        RefreshToken unknown = Sentinels.refreshToken();
        extraSecrets.add(unknown.value());

        Failure f = failureOf(() -> refresher.refresh(unknown));

        assertRejected(f, Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant");
        assertThat(((Failure.Rejected) f).needsHuman()).isFalse();
    }

    @Test
    void reportsARevokedRefreshTokenAsRejectedRefreshToken() {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        simulator.revokeRefreshToken(token);

        assertRejected(failureOf(() -> refresher.refresh(token)), Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant");
    }

    @Test
    void refreshesUntilTheRefreshTokenIsEightHoursOldAndIsRefusedFromThen() {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();

        clock.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(simulator.isLive(refresher.refresh(token).accessToken())).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertRejected(failureOf(() -> refresher.refresh(token)), Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant");

        TokenGrant again = refresher.login(credential);
        assertThat(simulator.isLive(again.refreshToken().orElseThrow())).isTrue();
    }

    // ---- injected faults --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void turnsEveryInjectedFaultIntoTheRightTypedFailure(String name, Endpoint endpoint, FortiCnpFault fault,
            Consumer<Failure> expected) {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        simulator.injectFault(endpoint, fault);
        long before = simulator.requestCount(endpoint);

        Failure f = failureOf(() -> call(endpoint, token));

        expected.accept(f);
        assertThat(simulator.requestCount(endpoint) - before).as("one attempt, no retry").isEqualTo(1);
    }

    static Stream<Arguments> faults() {
        Duration twoMinutes = Duration.ofMinutes(2);
        return Stream.of(
                fault("503 temporarily_unavailable with Retry-After seconds", Endpoint.REFRESH,
                        FortiCnpFault.oauthError(503, "temporarily_unavailable", "maintenance window").withRetryAfter("120"),
                        f -> {
                            unavailable(503, Optional.of(twoMinutes)).accept(f);
                            assertThat(f.describe()).contains("maintenance window");
                        }),
                fault("429 with Retry-After date", Endpoint.LOGIN,
                        FortiCnpFault.emptyBody(429).withRetryAfter(httpDate(T0.plusSeconds(90))),
                        unavailable(429, Optional.of(Duration.between(T0, T0.plusSeconds(90).truncatedTo(ChronoUnit.SECONDS))))),
                fault("500 server_error", Endpoint.LOGIN,
                        FortiCnpFault.oauthError(500, "server_error", "boom"), unavailable(500, Optional.empty())),
                fault("408 request timeout", Endpoint.REFRESH, FortiCnpFault.emptyBody(408), unavailable(408, Optional.empty())),
                fault("400 temporarily_unavailable", Endpoint.REFRESH,
                        FortiCnpFault.oauthError(400, "temporarily_unavailable", "busy"), unavailable(400, Optional.empty())),
                fault("502 HTML error page", Endpoint.REFRESH, FortiCnpFault.htmlErrorPage(502), f -> {
                    assertThat(f).isInstanceOf(Failure.Unavailable.class);
                    assertThat(((Failure.Unavailable) f).status()).hasValue(502);
                    assertThat(f.describe()).doesNotContain("<", "nginx");
                }),
                fault("503 empty body", Endpoint.LOGIN, FortiCnpFault.emptyBody(503), unavailable(503, Optional.empty())),
                fault("500 oversized HTML page", Endpoint.REFRESH,
                        FortiCnpFault.answer(500, "text/html", "<html>" + "x".repeat(2 * MAX_RESPONSE_BYTES) + "</html>"),
                        unavailable(500, Optional.empty())),
                fault("400 invalid_request", Endpoint.LOGIN,
                        FortiCnpFault.oauthError(400, "invalid_request", "grant_type is missing"),
                        rejectedWith(Failure.Subject.REQUEST, 400, "invalid_request", "grant_type is missing")),
                fault("400 unsupported_grant_type", Endpoint.REFRESH,
                        FortiCnpFault.oauthError(400, "unsupported_grant_type", "nope"),
                        rejectedWith(Failure.Subject.REQUEST, 400, "unsupported_grant_type", "nope")),
                fault("401 invalid_client on login", Endpoint.LOGIN,
                        FortiCnpFault.oauthError(401, "invalid_client", "bad credentials"),
                        rejectedWith(Failure.Subject.CREDENTIAL, 401, "invalid_client", "bad credentials")),
                fault("401 empty body on login", Endpoint.LOGIN, FortiCnpFault.emptyBody(401),
                        rejectedWith(Failure.Subject.CREDENTIAL, 401, null, "")),
                fault("403 HTML page on refresh", Endpoint.REFRESH, FortiCnpFault.htmlErrorPage(403),
                        rejectedWith(Failure.Subject.REFRESH_TOKEN, 403, null, "")),
                fault("400 invalid_grant on refresh", Endpoint.REFRESH,
                        FortiCnpFault.oauthError(400, "invalid_grant", "expired"),
                        rejectedWith(Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant", "expired")),
                fault("OAuth error with a quoted, upper-case code", Endpoint.REFRESH,
                        FortiCnpFault.answer(400, "application/json", "{\"error\":\" INVALID_GRANT \"}"),
                        rejectedWith(Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant", "")),
                fault("404 not found", Endpoint.LOGIN, FortiCnpFault.answer(404, "text/plain", "no such path"),
                        rejectedWith(Failure.Subject.REQUEST, 404, null, "base URL")),
                fault("302 redirect is not followed", Endpoint.LOGIN, FortiCnpFault.emptyBody(302),
                        rejectedWith(Failure.Subject.REQUEST, 302, null, "redirect")),
                fault("200 HTML page", Endpoint.LOGIN, FortiCnpFault.answer(200, "text/html", "<html>login</html>"),
                        malformed("JSON")),
                fault("200 empty body", Endpoint.REFRESH, FortiCnpFault.emptyBody(200), malformed("")),
                fault("200 JSON array", Endpoint.REFRESH, FortiCnpFault.answer(200, "application/json", "[1,2]"),
                        malformed("object")),
                fault("malformed JSON", Endpoint.LOGIN, FortiCnpFault.malformedJson(), malformed("JSON")),
                fault("missing access_token", Endpoint.REFRESH, FortiCnpFault.missingField("access_token"),
                        malformed("access_token")),
                fault("missing refresh_token on login", Endpoint.LOGIN, FortiCnpFault.missingField("refresh_token"),
                        malformed("refresh_token")),
                fault("access_token is a number", Endpoint.REFRESH,
                        FortiCnpFault.answer(200, "application/json", "{\"access_token\":12,\"expires\":1.7E12}"),
                        malformed("access_token")),
                fault("access_token with spaces", Endpoint.REFRESH,
                        tokenAnswer("\"NEW TOKEN WITH SPACES\"", null), malformedWithout("access_token", "NEW TOKEN")),
                fault("access_token padded with white space", Endpoint.REFRESH,
                        tokenAnswer("\" " + PLAIN_TOKEN + " \"", null), malformedWithout("access_token", PLAIN_TOKEN)),
                fault("access_token padded with a tab", Endpoint.REFRESH,
                        tokenAnswer("\"" + PLAIN_TOKEN + "\\t\"", null), malformedWithout("access_token", PLAIN_TOKEN)),
                fault("access_token with a non-ASCII letter", Endpoint.LOGIN,
                        tokenAnswer("\"" + PLAIN_TOKEN + "\u00e9\"", "\"" + PLAIN_TOKEN + "\""),
                        malformedWithout("access_token", PLAIN_TOKEN)),
                fault("access_token with a character after its padding", Endpoint.REFRESH,
                        tokenAnswer("\"" + PLAIN_TOKEN + "==x\"", null), malformedWithout("access_token", PLAIN_TOKEN)),
                fault("access_token too short", Endpoint.REFRESH, tokenAnswer("\"abc1234\"", null),
                        malformedWithout("access_token", "abc1234")),
                fault("access_token too long", Endpoint.REFRESH, tokenAnswer("\"" + "a".repeat(8193) + "\"", null),
                        malformedWithout("access_token", "aaaaaaaaaaaaaaaa")),
                fault("refresh_token with spaces on login", Endpoint.LOGIN,
                        tokenAnswer("\"" + PLAIN_TOKEN + "\"", "\"NEW REFRESH WITH SPACES\""),
                        malformedWithout("refresh_token", "NEW REFRESH")),
                fault("refresh_token padded with white space on refresh", Endpoint.REFRESH,
                        tokenAnswer("\"" + PLAIN_TOKEN + "\"", "\" " + PLAIN_TOKEN + "\""),
                        malformedWithout("refresh_token", PLAIN_TOKEN)),
                fault("refresh_token with a non-ASCII letter", Endpoint.LOGIN,
                        tokenAnswer("\"" + PLAIN_TOKEN + "\"", "\"" + PLAIN_TOKEN + "\u00fc\""),
                        malformedWithout("refresh_token", PLAIN_TOKEN)),
                fault("expires negative", Endpoint.REFRESH, FortiCnpFault.expires(ExpiresForm.NEGATIVE), malformed("expires")),
                fault("expires not a number", Endpoint.LOGIN, FortiCnpFault.expires(ExpiresForm.NOT_A_NUMBER),
                        malformed("expires")),
                fault("connection closed mid-response", Endpoint.REFRESH, FortiCnpFault.closeMidResponse(),
                        unavailable(null, Optional.empty())),
                fault("oversized token response", Endpoint.LOGIN, FortiCnpFault.oversizedBody(2 * MAX_RESPONSE_BYTES),
                        malformed("bytes")));
    }

    @Test
    void reportsAnAnswerSlowerThanTheReadTimeoutAsUnavailable() throws Exception {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        TokenRefresher impatient = track(newRefresher(new Target(simulator.baseUrl(), Optional.of(certificatePem),
                CONNECT_TIMEOUT, SHORT_READ_TIMEOUT, clock)));
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.delay(SHORT_READ_TIMEOUT.plusSeconds(3)));

        Failure f = failureOf(() -> impatient.refresh(token));

        assertThat(f).isInstanceOf(Failure.Unavailable.class);
        assertThat(((Failure.Unavailable) f).status()).isEmpty();
        assertThat(f.describe()).contains("timed out");
        assertThat(simulator.requestCount(Endpoint.REFRESH)).as("one attempt, no retry").isEqualTo(1);
    }

    @Test
    void acceptsEveryB64TokenCharacterAndPaddingInAnAccessToken() {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        String access = "AZaz09-._~+/" + PLAIN_TOKEN + "==";
        String rotated = "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + PLAIN_TOKEN;
        simulator.injectFault(Endpoint.REFRESH, tokenAnswer("\"" + access + "\"", "\"" + rotated.replace("\\", "\\\\") + "\""));

        TokenGrant grant = refresher.refresh(token);

        assertThat(grant.accessToken().value()).isEqualTo(access);
        assertThat(grant.refreshToken()).hasValueSatisfying(r -> assertThat(r.value()).isEqualTo(rotated));
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void endsACallWhoseAnswerTricklesInAtTheCallDeadline() throws Exception {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        TokenRefresher impatient = track(newRefresher(new Target(simulator.baseUrl(), Optional.of(certificatePem),
                CONNECT_TIMEOUT, READ_TIMEOUT, SHORT_CALL_TIMEOUT, clock)));
        // one byte a second: no read timeout fires, and the whole answer would take minutes
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.trickle());

        Failure f = failureOf(() -> impatient.refresh(token));

        assertThat(f).isInstanceOf(Failure.Unavailable.class);
        assertThat(((Failure.Unavailable) f).status()).isEmpty();
        assertThat(f.retryable()).isTrue();
        assertThat(f.describe()).contains("deadline", SHORT_CALL_TIMEOUT.toMillis() + " ms");
        assertThat(simulator.requestCount(Endpoint.REFRESH)).as("one attempt, no retry").isEqualTo(1);
        assertThat(simulator.isLive(impatient.refresh(token).accessToken())).as("the next call works").isTrue();
    }

    @Test
    void waitsForAnAnswerThatComesWithinTheReadTimeout() {
        simulator.injectFault(Endpoint.LOGIN, FortiCnpFault.delay(Duration.ofMillis(300)));

        assertThat(simulator.isLive(refresher.login(credential).accessToken())).isTrue();
    }

    @Test
    void echoesOnlyTheOauthFieldsOfAnErrorBody() {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        String secret = Sentinels.secret("echoed");
        extraSecrets.add(secret);
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.answer(400, "application/json",
                "{\"error\":\"invalid_grant\",\"error_description\":\"token expired\",\"refresh_token\":\"" + secret
                        + "\",\"hint\":\"" + token.value() + "\"}"));

        Failure f = failureOf(() -> refresher.refresh(token));

        assertRejected(f, Failure.Subject.REFRESH_TOKEN, 400, "invalid_grant");
        assertThat(f.describe()).contains("token expired");
    }

    @Test
    void reportsAServerThatIsNotListeningAsUnavailable() {
        simulator.close();

        Failure f = failureOf(() -> refresher.login(credential));

        assertThat(f).isInstanceOf(Failure.Unavailable.class);
        assertThat(((Failure.Unavailable) f).status()).isEmpty();
    }

    @Test
    void refusesAnHttpsServerWhoseCertificateItDoesNotTrust() throws Exception {
        Assumptions.assumeTrue(useHttps(), "only over HTTPS");
        TokenRefresher untrusting = track(newRefresher(
                new Target(simulator.baseUrl(), Optional.empty(), CONNECT_TIMEOUT, READ_TIMEOUT, clock)));

        Failure f = failureOf(() -> untrusting.login(credential));

        assertThat(f).isInstanceOf(Failure.Unavailable.class);
        assertThat(f.describe()).containsIgnoringCase("TLS");
        assertThat(simulator.requestCount(Endpoint.LOGIN)).isZero();
    }

    // ---- transport properties ---------------------------------------------------------------

    @Test
    void reusesOneConnectionAcrossCalls() {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        for (int i = 0; i < 5; i++) {
            refresher.refresh(token);
        }

        Set<Integer> ports = simulator.requests().stream().map(RecordedRequest::remotePort).collect(Collectors.toSet());
        assertThat(simulator.requests()).hasSize(6);
        assertThat(ports).as("client ports used").hasSize(1);
    }

    @Test
    void servesManyThreadsAtOnce() throws Exception {
        RefreshToken token = refresher.login(credential).refreshToken().orElseThrow();
        int threads = 8;
        int perThread = 10;
        Set<String> accessTokens = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        accessTokens.add(refresher.refresh(token).accessToken().value());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(accessTokens).hasSize(threads * perThread);
        assertThat(simulator.grantCount(Endpoint.REFRESH)).isEqualTo(threads * perThread);
    }

    @Test
    void neverShowsASecretInItsToString() {
        TokenGrant grant = refresher.login(credential);
        refresher.refresh(grant.refreshToken().orElseThrow());

        assertThat(refresher.toString()).doesNotContain(credential.value(), grant.accessToken().value(),
                grant.refreshToken().orElseThrow().value());
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * Runs {@code call}, which must throw a {@link TokenException}, and returns its failure; any
     * other exception fails the test. The exception joins the leak check.
     */
    protected Failure failureOf(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        if (t == null) {
            fail("expected a TokenException, but the call succeeded");
        }
        thrown.add(t);
        if (!(t instanceof TokenException e)) {
            throw new AssertionError("a raw exception crossed the port: " + t.getClass().getName(), t);
        }
        assertThat(e.failure()).isInstanceOfAny(Failure.Rejected.class, Failure.Unavailable.class, Failure.Malformed.class);
        assertThat(e.getMessage()).isEqualTo(e.failure().describe());
        return e.failure();
    }

    /** Marks a value as secret for this test's leak check. */
    protected void treatAsSecret(String value) {
        extraSecrets.add(value);
    }

    private void call(Endpoint endpoint, RefreshToken token) {
        if (endpoint == Endpoint.LOGIN) {
            refresher.login(credential);
        } else {
            refresher.refresh(token);
        }
    }

    private void assertNoSecretLeaked() {
        List<String> secrets = new ArrayList<>();
        secrets.add(credential.value());
        secrets.addAll(simulator.issuedSecrets());
        retired.forEach(s -> secrets.addAll(s.issuedSecrets()));
        secrets.addAll(extraSecrets);

        List<String> haystacks = new ArrayList<>(capturedLogLines());
        synchronized (thrown) {
            for (Throwable t : thrown) {
                for (Throwable c = t; c != null; c = c.getCause()) {
                    haystacks.add(c.toString());
                    haystacks.add(String.valueOf(c.getMessage()));
                    for (Throwable s : c.getSuppressed()) {
                        haystacks.add(s.toString());
                    }
                }
            }
        }
        refreshers.forEach(r -> haystacks.add(r.toString()));

        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                for (String hay : haystacks) {
                    if (hay.contains(needle)) {
                        fail("a secret leaked into: " + hay.replace(needle, "<SECRET>"));
                    }
                }
            }
        }
    }

    private static String mediaType(RecordedRequest r) {
        return r.header("Content-Type").orElse("").split(";", 2)[0].strip();
    }

    private static String httpDate(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
    }

    private static Arguments fault(String name, Endpoint endpoint, FortiCnpFault fault, Consumer<Failure> expected) {
        return Arguments.of(name, endpoint, fault, expected);
    }

    private static Consumer<Failure> unavailable(Integer status, Optional<Duration> retryAfter) {
        return f -> {
            assertThat(f).isInstanceOf(Failure.Unavailable.class);
            Failure.Unavailable u = (Failure.Unavailable) f;
            assertThat(u.status()).isEqualTo(status == null ? OptionalInt.empty() : OptionalInt.of(status));
            assertThat(u.retryAfter()).isEqualTo(retryAfter);
            assertThat(f.retryable()).isTrue();
        };
    }

    private static Consumer<Failure> rejectedWith(Failure.Subject subject, int status, String oauthError, String said) {
        return f -> {
            assertRejected(f, subject, status, oauthError);
            assertThat(f.describe()).contains(said);
            assertThat(f.retryable()).isFalse();
        };
    }

    /** A token-shaped value without a secret's meaning, for answers that must be refused. */
    private static final String PLAIN_TOKEN = "plainTokenValue0123456789";

    /**
     * A replacing 200 answer with these JSON values (already quoted) for {@code access_token} and
     * {@code refresh_token} (none when null), a bearer type and a valid {@code expires}.
     */
    private static FortiCnpFault tokenAnswer(String accessJson, String refreshJson) {
        return FortiCnpFault.answer(200, "application/json", "{\"access_token\":" + accessJson
                + (refreshJson == null ? "" : ",\"refresh_token\":" + refreshJson)
                + ",\"token_type\":\"bearer\",\"expires\":" + FortiCnpSimulator.exponentForm(T0.plusSeconds(1800).toEpochMilli()) + "}");
    }

    /** A malformed answer naming {@code field} and not quoting {@code value}. */
    private static Consumer<Failure> malformedWithout(String field, String value) {
        return f -> {
            malformed(field).accept(f);
            assertThat(f.describe()).doesNotContain(value);
        };
    }

    private static Consumer<Failure> malformed(String mentions) {
        return f -> {
            assertThat(f).isInstanceOf(Failure.Malformed.class);
            assertThat(f.describe()).contains(mentions);
        };
    }

    /** Asserts a {@link Failure.Rejected} of this subject, status and OAuth error code, whatever its detail. */
    protected static void assertRejected(Failure f, Failure.Subject subject, int status, String oauthError) {
        assertThat(f).isInstanceOf(Failure.Rejected.class);
        Failure.Rejected r = (Failure.Rejected) f;
        assertThat(r.subject()).as("subject").isEqualTo(subject);
        assertThat(r.status()).as("status").isEqualTo(OptionalInt.of(status));
        assertThat(r.oauthError()).as("oauth error").isEqualTo(Optional.ofNullable(oauthError));
    }
}
