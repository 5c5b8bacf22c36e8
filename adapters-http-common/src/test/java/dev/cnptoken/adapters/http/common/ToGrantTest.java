package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.RefreshToken;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GrantReader#read}: mapping a decoded token response to a grant. */
class ToGrantTest {
    private static final Instant SAMPLE_EXPIRY = Instant.parse("2020-03-23T22:26:01.532Z");

    @Test
    void mapsTheDocumentedRefreshResponseWithoutARefreshToken() throws Exception {
        String access = "eyJ0eXAiOiJKV1QiLCJhbGciiRkNXUCJdLCY7RGkrRn6hvfqCbPF9LGNchYGMiEIK2WljPqSbffsk0";
        Map<String, Object> body = StrictJson.parseObject("""
                {
                  "token_type": "bearer",
                  "expires": 1.585002361532E12,
                  "access_token": "%s"
                }""".formatted(access));

        TokenGrant grant = GrantReader.read(TokenCall.REFRESH, body);

        assertThat(grant.accessToken()).isEqualTo(new AccessToken(access));
        assertThat(grant.tokenType()).isEqualTo("bearer");
        assertThat(grant.expiresAt()).isEqualTo(SAMPLE_EXPIRY);
        assertThat(grant.refreshToken()).isEmpty();
    }

    @Test
    void mapsALoginResponseWithItsRefreshToken() throws Exception {
        String access = TestSecrets.jwtWithExp(1585002361L);
        String refresh = "I4WnuRUY0xHEsoNMDvmurq_J45VHyuxa4DRWq5mevlYB1YT1yL2TUAA8vRRNNyO0";
        Map<String, Object> body = StrictJson.parseObject("""
                {"access_token":"%s","refresh_token":"%s","token_type":"bearer","expires":1.585002361532E12}"""
                .formatted(access, refresh));

        TokenGrant grant = GrantReader.read(TokenCall.LOGIN, body);

        assertThat(grant.accessToken().value()).isEqualTo(access);
        assertThat(grant.refreshToken()).contains(new RefreshToken(refresh));
        assertThat(grant.expiresAt()).isEqualTo(SAMPLE_EXPIRY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.585002361532E12", "1585002361532", "1585002361532.0", "1585002361532.999",
        "1.585002361532e+12", "\"1.585002361532E12\"", "\"1585002361532\"", "\"1585002361532.0\""})
    void readsExpiresInEveryDocumentedFormFromJsonText(String expires) throws Exception {
        Map<String, Object> body = StrictJson.parseObject("{\"access_token\":\"" + TestSecrets.jwtWithExp(1585002361L)
                + "\",\"token_type\":\"bearer\",\"expires\":" + expires + "}");
        assertThat(GrantReader.read(TokenCall.REFRESH, body).expiresAt()).isEqualTo(SAMPLE_EXPIRY);
    }

    @Test
    void takesARefreshTokenThatARefreshResponseCarries() {
        String rotated = TestSecrets.sentinel("rotated");
        Map<String, Object> body = response(TestSecrets.sentinel("access"), rotated, "bearer", 1.585002361532E12);
        assertThat(GrantReader.read(TokenCall.REFRESH, body).refreshToken()).contains(new RefreshToken(rotated));
    }

    @Test
    void treatsAJsonNullRefreshTokenInARefreshResponseAsAbsent() {
        Map<String, Object> body = response(TestSecrets.sentinel("access"), null, "bearer", 1585002361532L);
        body.put("refresh_token", null);
        assertThat(GrantReader.read(TokenCall.REFRESH, body).refreshToken()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "Bearer", "BEARER", "bEaReR"})
    void acceptsTheBearerTokenTypeInAnyCase(String type) {
        Map<String, Object> body = response(TestSecrets.sentinel("access"), null, type, 1585002361532L);
        assertThat(GrantReader.read(TokenCall.REFRESH, body).tokenType()).isEqualTo("bearer");
    }

    @Test
    void acceptsAMissingTokenTypeAsBearer() {
        Map<String, Object> body = response(TestSecrets.sentinel("access"), null, null, 1585002361532L);
        assertThat(GrantReader.read(TokenCall.REFRESH, body).tokenType()).isEqualTo("bearer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mac", "basic", "Bearer ", " bearer", "bearer-ish", "", "DPoP", "bearer\n"})
    void rejectsOtherTokenTypes(String type) {
        Map<String, Object> body = response(TestSecrets.sentinel("access"), null, type, 1585002361532L);
        assertMalformedNaming(TokenCall.REFRESH, body, "token_type");
    }

    @Test
    void rejectsATokenTypeThatIsNotAString() {
        for (Object type : List.of(true, 1, List.of("bearer"), Map.of("t", "bearer"))) {
            Map<String, Object> body = response(TestSecrets.sentinel("access"), null, null, 1585002361532L);
            body.put("token_type", type);
            assertMalformedNaming(TokenCall.REFRESH, body, "token_type");
        }
    }

    @Property(tries = 100)
    void fallsBackToTheJwtExpWhenExpiresIsAbsent(@ForAll @LongRange(min = 1, max = 4_102_444_800L) long exp) {
        Map<String, Object> body = response(TestSecrets.jwtWithExp(exp), null, "bearer", null);
        assertThat(GrantReader.read(TokenCall.REFRESH, body).expiresAt()).isEqualTo(Instant.ofEpochSecond(exp));
    }

    @Test
    void treatsAJsonNullExpiresAsAbsent() throws Exception {
        Map<String, Object> body = StrictJson.parseObject(
                "{\"access_token\":\"" + TestSecrets.jwtWithExp(1585002361L) + "\",\"expires\":null}");
        assertThat(GrantReader.read(TokenCall.REFRESH, body).expiresAt())
                .isEqualTo(Instant.ofEpochSecond(1585002361L));
    }

    @Test
    void rejectsAResponseWithNeitherExpiresNorAJwtExp() {
        Map<String, Object> opaque = response(TestSecrets.sentinel("access"), null, "bearer", null);
        assertMalformedNaming(TokenCall.REFRESH, opaque, "expires");
        Map<String, Object> jwtWithoutExp = response(TestSecrets.jwt("{\"scope\":\"API\"}"), null, "bearer", null);
        assertMalformedNaming(TokenCall.REFRESH, jwtWithoutExp, "expires");
    }

    @Test
    void rejectsAPresentButInvalidExpiresEvenWhenTheJwtHasAnExp() {
        Map<String, Object> body = response(TestSecrets.jwtWithExp(1585002361L), null, "bearer", "soon");
        assertMalformedNaming(TokenCall.REFRESH, body, "expires");
    }

    @Test
    void keepsExpiresWhenTheJwtAgreesWithinAMinute() {
        long expires = 1585002361532L;
        for (long expSeconds : List.of(1585002361L, 1585002361L - 59, 1585002361L + 60, 1585002361L + 3600)) {
            Map<String, Object> body = response(TestSecrets.jwtWithExp(expSeconds), null, "bearer", expires);
            assertThat(GrantReader.read(TokenCall.REFRESH, body).expiresAt()).as("exp %d", expSeconds)
                    .isEqualTo(Instant.ofEpochMilli(expires));
        }
    }

    @Test
    void takesTheEarlierWhenExpiresAndTheJwtDisagreeByMoreThanAMinute() {
        // the JWT says earlier by 61.532 s: the JWT wins
        Map<String, Object> jwtEarlier = response(TestSecrets.jwtWithExp(1585002300L), null, "bearer", 1585002361532L);
        assertThat(GrantReader.read(TokenCall.REFRESH, jwtEarlier).expiresAt())
                .isEqualTo(Instant.ofEpochSecond(1585002300L));
        // expires says earlier by an hour: expires wins
        Map<String, Object> expiresEarlier =
                response(TestSecrets.jwtWithExp(1585002361L), null, "bearer", 1585002361532L - 3_600_000L);
        assertThat(GrantReader.read(TokenCall.REFRESH, expiresEarlier).expiresAt())
                .isEqualTo(Instant.ofEpochMilli(1585002361532L - 3_600_000L));
        // e.g. an expires in seconds instead of milliseconds would be rejected long before; an expires a
        // day late is overruled by the JWT
        Map<String, Object> dayLate =
                response(TestSecrets.jwtWithExp(1585002361L), null, "bearer", 1585002361532L + 86_400_000L);
        assertThat(GrantReader.read(TokenCall.REFRESH, dayLate).expiresAt())
                .isEqualTo(Instant.ofEpochSecond(1585002361L));
    }

    @ParameterizedTest
    @EnumSource(TokenCall.class)
    void rejectsAMissingBlankOrNonStringAccessToken(TokenCall call) {
        String refresh = TestSecrets.sentinel("refresh");
        for (Object bad : new Object[] {null, "", "   ", "\t", 42, true, List.of("x"), Map.of("v", "x"),
                new BigDecimal("1")}) {
            Map<String, Object> body = response(null, refresh, "bearer", 1585002361532L);
            body.put("access_token", bad);
            TokenException e = assertMalformedNaming(call, body, "access_token");
            TestSecrets.assertNoSecret(e.getMessage(), refresh);
        }
    }

    @Test
    void rejectsAnAccessTokenWithAControlCharacterWithoutEchoingIt() {
        String access = TestSecrets.sentinel("access") + "\r\nX-Injected: 1";
        Map<String, Object> body = response(access, null, "bearer", 1585002361532L);
        TokenException e = assertMalformedNaming(TokenCall.REFRESH, body, "access_token");
        TestSecrets.assertNoSecret(e.getMessage(), access.substring(0, access.indexOf('\r')));
    }

    @ParameterizedTest
    @EnumSource(TokenCall.class)
    void rejectsABlankOrNonStringRefreshTokenInEitherCall(TokenCall call) {
        String access = TestSecrets.sentinel("access");
        for (Object bad : new Object[] {"", " ", "\n", 7, false, List.of(), Map.of()}) {
            Map<String, Object> body = response(access, null, "bearer", 1585002361532L);
            body.put("refresh_token", bad);
            TokenException e = assertMalformedNaming(call, body, "refresh_token");
            TestSecrets.assertNoSecret(e.getMessage(), access);
        }
    }

    @Test
    void rejectsALoginResponseWithoutARefreshToken() {
        String access = TestSecrets.sentinel("access");
        TokenException e = assertMalformedNaming(TokenCall.LOGIN, response(access, null, "bearer", 1585002361532L),
                "refresh_token");
        TestSecrets.assertNoSecret(e.getMessage(), access);
    }

    @Test
    void ignoresUnknownFields() {
        Map<String, Object> body = response(TestSecrets.sentinel("access"), TestSecrets.sentinel("refresh"), "bearer",
                1585002361532L);
        body.put("scope", "API");
        body.put("expires_in", 3600);
        body.put("nested", Map.of("a", List.of(1, 2, 3)));
        body.put("id_token", null);
        TokenGrant grant = GrantReader.read(TokenCall.LOGIN, body);
        assertThat(grant.expiresAt()).isEqualTo(Instant.ofEpochMilli(1585002361532L));
        assertThat(grant.refreshToken()).isPresent();
    }

    @Test
    void rejectsAMissingBody() {
        assertThatThrownBy(() -> GrantReader.read(TokenCall.REFRESH, null))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.failure()).isInstanceOf(Failure.Malformed.class));
    }

    @Test
    void noMalformedResponsePutsASecretIntoTheMessage() {
        String access = TestSecrets.sentinel("access");
        String refresh = TestSecrets.sentinel("refresh");
        String jwtAccess = TestSecrets.jwt("{\"scope\":\"" + TestSecrets.sentinel("claim") + "\"}");
        List<Map<String, Object>> broken = List.of(
                response(access, refresh, "mac", 1585002361532L),
                response(access, refresh, "bearer", "not-a-number " + access),
                response(access, refresh, "bearer", -1L),
                response(access, refresh, "bearer", null),
                response(jwtAccess, refresh, "bearer", null),
                response(access, refresh + "\u0000", "bearer", 1585002361532L),
                response(access + "\u007f", refresh, "bearer", 1585002361532L),
                response(access, refresh, "bearer", Map.of("value", access)));
        for (Map<String, Object> body : broken) {
            for (TokenCall call : TokenCall.values()) {
                TokenException e = catchThrowableOfType(TokenException.class, () -> GrantReader.read(call, body));
                assertThat(e).as("%s must be rejected", body.keySet()).isNotNull();
                TestSecrets.assertNoSecret(e.getMessage(), access);
                TestSecrets.assertNoSecret(e.getMessage(), refresh);
                TestSecrets.assertNoSecret(e.getMessage(), jwtAccess);
                assertThat(e.getMessage()).doesNotContain("SENTINEL");
                assertThat(e.failure().describe()).doesNotContain("SENTINEL");
            }
        }
    }

    private static Map<String, Object> response(Object access, Object refresh, Object type, Object expires) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (access != null) {
            m.put("access_token", access);
        }
        if (refresh != null) {
            m.put("refresh_token", refresh);
        }
        if (type != null) {
            m.put("token_type", type);
        }
        if (expires != null) {
            m.put("expires", expires);
        }
        return m;
    }

    private static TokenException assertMalformedNaming(TokenCall call, Map<String, ?> body, String field) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> GrantReader.read(call, body));
        assertThat(e).as("toGrant(%s, %s) must throw", call, body.keySet()).isNotNull();
        assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
        assertThat(e.getMessage()).contains(field);
        return e;
    }
}
