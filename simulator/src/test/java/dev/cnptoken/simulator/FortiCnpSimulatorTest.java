package dev.cnptoken.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator itself, driven by the JDK HTTP client with hand-written requests. */
class FortiCnpSimulatorTest {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Instant T0 = Instant.parse("2020-03-23T21:56:01.532Z");
    private static final String FORM = "application/x-www-form-urlencoded";

    private final SteppingClock clock = SteppingClock.at(T0);
    private final ApiCredential credential = new ApiCredential("c492a2c2-b542-46fa-9894-d56d287bab1f");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FortiCnpSimulator sim;

    @BeforeEach
    void start() {
        sim = FortiCnpSimulator.builder().clock(clock).credential(credential).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void answersALoginExactlyInTheDocumentedShape() throws Exception {
        HttpResponse<String> r = login("/api/v1/auth/credentials/token/", "Basic " + credential.value(), "grant_type=client_credentials");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        // the documented sample value, in the documented exponent form
        assertThat(r.body()).contains("\"expires\":1.585002361532E12").contains("\"token_type\":\"bearer\"");
        Map<String, Object> fields = object(r.body());
        assertThat(fields).containsOnlyKeys("token_type", "expires", "access_token", "refresh_token");
        assertThat(number(fields.get("expires"))).isEqualByComparingTo("1585002361532");

        String[] jwt = ((String) fields.get("access_token")).split("\\.");
        assertThat(jwt).hasSize(3);
        Map<String, Object> payload = object(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        assertThat(number(payload.get("exp"))).isEqualByComparingTo("1585002361");
        assertThat(payload).containsEntry("iss", "fauth-server");

        assertThat(Instant.ofEpochMilli(number(fields.get("expires")).longValueExact()))
                .isEqualTo(Instant.parse("2020-03-23T22:26:01.532Z"));
        assertThat(sim.isLive(new AccessToken((String) fields.get("access_token")))).isTrue();
        assertThat(sim.grantCount(Endpoint.LOGIN)).isEqualTo(1);
    }

    @Test
    void acceptsTheLoginPathWithoutTheTrailingSlash() throws Exception {
        assertThat(login("/api/v1/auth/credentials/token", "Basic " + credential.value(), "grant_type=client_credentials")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void refusesWrongMethodsContentTypesAndForms() throws Exception {
        String auth = "Basic " + credential.value();
        URI login = sim.baseUrl().resolve("/api/v1/auth/credentials/token/");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(login).GET().build(), BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");

        HttpResponse<String> json = http.send(HttpRequest.newBuilder(login).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(415);

        assertOauthError(login("/api/v1/auth/credentials/token/", auth, ""), 400, "invalid_request");
        assertOauthError(login("/api/v1/auth/credentials/token/", auth, "grant_type=password"), 400, "unsupported_grant_type");
        assertOauthError(login("/api/v1/auth/credentials/token/", auth, "grant_type=client_credentials&scope=x"), 400, "invalid_request");
        assertOauthError(login("/api/v1/auth/credentials/token/", auth,
                "grant_type=client_credentials&grant_type=client_credentials"), 400, "invalid_request");
        assertOauthError(login("/api/v1/auth/credentials/token/", auth, "grant_type=%zz"), 400, "invalid_request");
        assertOauthError(login("/api/v1/auth/credentials/token/", null, "grant_type=client_credentials"), 401, "invalid_client");
        assertOauthError(login("/api/v1/auth/credentials/token/", "Basic " + Base64.getEncoder().encodeToString(
                credential.value().getBytes(StandardCharsets.UTF_8)), "grant_type=client_credentials"), 401, "invalid_client");

        assertOauthError(refresh("grant_type=refresh_token"), 400, "invalid_request");
        assertOauthError(refresh("grant_type=client_credentials&refresh_token=x"), 400, "unsupported_grant_type");
        assertOauthError(refresh("grant_type=refresh_token&refresh_token=x&extra=1"), 400, "invalid_request");
        assertOauthError(refresh("grant_type=refresh_token&refresh_token=unknown"), 400, "invalid_grant");
        assertThat(http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/nothing")).GET().build(),
                BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(sim.grantCount(Endpoint.LOGIN)).isZero();
        assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(9);
    }

    @Test
    void refreshesUntilTheRefreshTokenExpiresAndRotatesOnlyWhenAsked() throws Exception {
        Map<String, Object> login = object(login("/api/v1/auth/credentials/token/", "Basic " + credential.value(),
                "grant_type=client_credentials").body());
        String rt = (String) login.get("refresh_token");

        clock.advance(Duration.ofHours(8).minusMillis(1));
        HttpResponse<String> ok = refresh("grant_type=refresh_token&refresh_token=" + rt);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(object(ok.body())).containsOnlyKeys("token_type", "expires", "access_token");

        clock.advance(Duration.ofMillis(1));
        assertOauthError(refresh("grant_type=refresh_token&refresh_token=" + rt), 400, "invalid_grant");
    }

    @Test
    void rotatesRefreshTokensWhenConfigured() throws Exception {
        try (FortiCnpSimulator rotating = FortiCnpSimulator.builder().clock(clock).credential(credential)
                .rotateRefreshTokens(true).refreshTokenLifetime(Duration.ofHours(1)).start()) {
            sim.close();
            sim = rotating;
            String rt = (String) object(login("/api/v1/auth/credentials/token/", "Basic " + credential.value(),
                    "grant_type=client_credentials").body()).get("refresh_token");
            Map<String, Object> first = object(refresh("grant_type=refresh_token&refresh_token=" + rt).body());

            assertThat(first.get("refresh_token")).isNotNull().isNotEqualTo(rt);
            assertOauthError(refresh("grant_type=refresh_token&refresh_token=" + rt), 400, "invalid_grant");
            clock.advance(Duration.ofMinutes(61));
            assertOauthError(refresh("grant_type=refresh_token&refresh_token=" + first.get("refresh_token")), 400, "invalid_grant");
        }
    }

    @Test
    void servesTheResourceMapOnlyForLiveAccessTokens() throws Exception {
        String access = (String) object(login("/api/v1/auth/credentials/token/", "Basic " + credential.value(),
                "grant_type=client_credentials").body()).get("access_token");

        assertThat(resourceMap("Bearer " + access).statusCode()).isEqualTo(200);
        assertThat(MAPPER.readValue(resourceMap("Bearer " + access).body(), List.class)).hasSize(1);
        assertThat(resourceMap("Bearer nope").statusCode()).isEqualTo(401);
        assertThat(resourceMap(null).statusCode()).isEqualTo(401);

        clock.advance(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME);
        assertThat(resourceMap("Bearer " + access).statusCode()).isEqualTo(401);
        assertThat(sim.grantCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);

        clock.set(T0);
        sim.revokeAccessToken(new AccessToken(access));
        assertThat(resourceMap("Bearer " + access).statusCode()).isEqualTo(401);
    }

    @Test
    void appliesQueuedFaultsOnceEachInOrder() throws Exception {
        sim.injectFault(Endpoint.LOGIN, FortiCnpFault.htmlErrorPage(502).withRetryAfter("7"), 2);
        sim.injectFault(Endpoint.LOGIN, FortiCnpFault.expires(FortiCnpFault.ExpiresForm.STRING));
        String auth = "Basic " + credential.value();

        HttpResponse<String> first = login("/api/v1/auth/credentials/token/", auth, "grant_type=client_credentials");
        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(first.body()).contains("<html>");
        assertThat(first.headers().firstValue("Retry-After")).contains("7");
        assertThat(login("/api/v1/auth/credentials/token/", auth, "grant_type=client_credentials").statusCode()).isEqualTo(502);
        assertThat(login("/api/v1/auth/credentials/token/", auth, "grant_type=client_credentials").body())
                .contains("\"expires\":\"1585002361532\"");
        assertThat(login("/api/v1/auth/credentials/token/", auth, "grant_type=client_credentials").body())
                .contains("\"expires\":1.585002361532E12");
        assertThat(sim.pendingFaults(Endpoint.LOGIN)).isZero();
    }

    @Test
    void cutsTheConnectionMidResponseWhenAsked() {
        sim.injectFault(Endpoint.LOGIN, FortiCnpFault.closeMidResponse());

        assertThatThrownBy(() -> login("/api/v1/auth/credentials/token/", "Basic " + credential.value(),
                "grant_type=client_credentials")).isInstanceOf(IOException.class);
    }

    @Test
    void sendsOversizedBodiesChunked() throws Exception {
        sim.injectFault(Endpoint.LOGIN, FortiCnpFault.oversizedBody(300_000));

        HttpResponse<String> r = login("/api/v1/auth/credentials/token/", "Basic " + credential.value(), "grant_type=client_credentials");

        assertThat(r.headers().firstValue("Content-Length")).isEmpty();
        assertThat(r.body().length()).isGreaterThanOrEqualTo(300_000);
        assertThat(object(r.body())).containsKeys("access_token", "refresh_token");
    }

    @Test
    void logsRequestsWithoutPrintingSecrets() throws Exception {
        login("/api/v1/auth/credentials/token/", "Basic " + credential.value(), "grant_type=client_credentials");

        FortiCnpSimulator.RecordedRequest r = sim.lastRequest(Endpoint.LOGIN).orElseThrow();
        assertThat(r.header("authorization")).contains("Basic " + credential.value());
        assertThat(r.formFields()).containsOnlyKeys("grant_type");
        assertThat(r.toString()).doesNotContain(credential.value()).contains("/api/v1/auth/credentials/token/");
        assertThat(sim.issuedSecrets()).hasSize(2);
    }

    @Test
    void speaksHttpsWithACertificateMadeAtRunTime() throws Exception {
        try (FortiCnpSimulator tls = FortiCnpSimulator.builder().clock(clock).credential(credential).https(true).start()) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(FortiCnpSimulator.trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            HttpClient trusting = HttpClient.newBuilder().sslContext(ctx).build();
            HttpRequest req = HttpRequest.newBuilder(tls.baseUrl().resolve("/api/v1/auth/credentials/token/"))
                    .header("Authorization", "Basic " + credential.value()).header("Content-Type", FORM)
                    .POST(BodyPublishers.ofString("grant_type=client_credentials")).build();

            assertThat(tls.baseUrl().getScheme()).isEqualTo("https");
            assertThat(trusting.send(req, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> http.send(req, BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
            assertThat(FortiCnpSimulator.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        }
    }

    @Test
    void makesItsCertificateAtRunTimeForTheLoopbackNamesAndShipsNoKeyStore() throws Exception {
        X509Certificate cert = (X509Certificate) FortiCnpSimulator.trustStore().getCertificate("forticnp-simulator");

        List<String> names = cert.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))).toList();
        assertThat(names).contains("localhost", "127.0.0.1")
                .anySatisfy(ip -> assertThat(ip).startsWith("0:0:0:0:0:0:0:1"));
        cert.verify(cert.getPublicKey());
        assertThat(FortiCnpSimulator.certificatePem()).isEqualTo(FortiCnpSimulator.certificatePem());
        assertThat(FortiCnpSimulator.class.getResource("forticnp-simulator.p12")).isNull();
    }

    @Test
    void checksItsBuilderArguments() {
        assertThatThrownBy(() -> FortiCnpSimulator.builder().accessTokenLifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accessTokenLifetime");
        assertThatThrownBy(() -> FortiCnpSimulator.builder().clock(null)).hasMessage("clock == null");
        assertThatThrownBy(() -> FortiCnpSimulator.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.injectFault(Endpoint.LOGIN, FortiCnpFault.emptyBody(200), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private HttpResponse<String> login(String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.baseUrl().resolve(path)).header("Content-Type", FORM)
                .POST(BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> refresh(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/token/refresh"))
                .header("Content-Type", FORM).POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> resourceMap(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/resourceURLMap"))
                .header("Content-Type", "application/json").GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private static Map<String, Object> object(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigDecimal number(Object value) {
        return new BigDecimal(String.valueOf(value));
    }

    private static void assertOauthError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(object(r.body())).containsEntry("error", error).containsKey("error_description");
    }
}
