package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link AccessToken}, {@link RefreshToken}, {@link ApiCredential}: validation and redaction. */
class SecretValuesTest {

    /** One secret type: its name in toString(), its name in messages, and how to make one. */
    record Kind(String typeName, String what, Function<String, Object> make, Function<Object, String> fingerprint) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("AccessToken", "access token", AccessToken::new, o -> ((AccessToken) o).fingerprint()),
            new Kind("RefreshToken", "refresh token", RefreshToken::new, o -> ((RefreshToken) o).fingerprint()),
            new Kind("ApiCredential", "API credential", ApiCredential::new, o -> ((ApiCredential) o).fingerprint()));

    @Property(tries = 1000)
    void toStringShowsOnlyARedactionAndTheFingerprint(@ForAll("validSecrets") String value) {
        for (Kind kind : KINDS) {
            Object secret = kind.make().apply(value);
            String fingerprint = sha256Prefix(value);
            assertThat(kind.fingerprint().apply(secret)).isEqualTo(fingerprint).matches("[0-9a-f]{8}");
            String template = kind.typeName() + "[redacted sha256:]";
            assertThat(secret.toString()).isEqualTo(kind.typeName() + "[redacted sha256:" + fingerprint + "]");
            // the value can only show up if it happens to be a piece of the fixed template or the fingerprint,
            // or straddles them (a value "1]" after a fingerprint ending in 1)
            String expected = kind.typeName() + "[redacted sha256:" + fingerprint + "]";
            Assume.that(!template.contains(value) && !fingerprint.contains(value) && !expected.contains(value));
            assertThat(secret.toString()).doesNotContain(value);
        }
    }

    @Test
    void toStringOfRealisticSecretsNeverContainsThem() {
        for (Kind kind : KINDS) {
            String value = TestSecrets.sentinel(kind.typeName());
            Object secret = kind.make().apply(value);
            TestSecrets.assertNoSecret(secret.toString(), value);
            TestSecrets.assertNoSecret(String.valueOf(List.of(secret)), value);
        }
    }

    @Test
    void fingerprintsTellSecretsApartAndAreStable() {
        AccessToken a = new AccessToken("token-a");
        AccessToken b = new AccessToken("token-b");
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
        assertThat(a.fingerprint()).isEqualTo(new AccessToken("token-a").fingerprint());
        // the same value has the same fingerprint whatever it is used as
        assertThat(new RefreshToken("token-a").fingerprint()).isEqualTo(a.fingerprint());
        assertThat(a.fingerprint()).isEqualTo(sha256Prefix("token-a"));
    }

    @Test
    void valuesAreComparedByContent() {
        assertThat(new AccessToken("x1")).isEqualTo(new AccessToken("x1")).hasSameHashCodeAs(new AccessToken("x1"));
        assertThat(new RefreshToken("x1")).isNotEqualTo(new RefreshToken("x2"));
        assertThat(new ApiCredential("c492a2c2-b542-46fa-9894-d56d287bab1f").value())
                .isEqualTo("c492a2c2-b542-46fa-9894-d56d287bab1f");
    }

    @Test
    void rejectsNullWithTheName() {
        for (Kind kind : KINDS) {
            assertThatThrownBy(() -> kind.make().apply(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage(kind.what() + " == null");
        }
    }

    @Test
    void rejectsBlankValues() {
        for (Kind kind : KINDS) {
            for (String blank : List.of("", " ", "   ", "\u2003")) {
                assertThatThrownBy(() -> kind.make().apply(blank)).as("%s '%s'", kind.typeName(), blank)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(kind.what());
            }
        }
    }

    @Property(tries = 500)
    void rejectsAControlCharacterAnywhereWithoutEchoingTheValue(
            @ForAll("validSecrets") String value, @ForAll("asciiControls") char control, @ForAll @IntRange(min = 0, max = 1000) int at) {
        int index = at % (value.length() + 1);
        String bad = "SENTINEL-" + value.substring(0, index) + control + value.substring(index) + "-SENTINEL";
        for (Kind kind : KINDS) {
            IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> kind.make().apply(bad));
            assertThat(e).as("%s with U+%04X", kind.typeName(), (int) control).isNotNull();
            assertThat(e.getMessage()).startsWith(kind.what()).doesNotContain("SENTINEL");
            if (!bad.isBlank()) {
                assertThat(e.getMessage()).contains("control character");
            }
        }
    }

    @Test
    void rejectsHeaderSmugglingCharacters() {
        for (String bad : List.of("abc\r\nX-Evil: 1", "abc\n", "abc\u0000", "abc\u007f", "a\tb")) {
            for (Kind kind : KINDS) {
                assertThatThrownBy(() -> kind.make().apply(bad)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("control character").hasMessageNotContaining("abc");
            }
        }
    }

    @Test
    void rejectsACredentialWithSurroundingWhiteSpace() {
        for (String padded : List.of(" c492a2c2-b542", "c492a2c2-b542 ", "\u2003c492a2c2-b542", "c492a2c2-b542\u2003")) {
            assertThatThrownBy(() -> new ApiCredential(padded)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("white space").hasMessageNotContaining("c492a2c2");
        }
        // white space inside is fine
        assertThat(new ApiCredential("c492 a2c2").value()).isEqualTo("c492 a2c2");
    }

    @Provide
    Arbitrary<String> validSecrets() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                        Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(64),
                        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(120))
                .filter(s -> s.chars().noneMatch(c -> Character.getType(c) == Character.CONTROL))
                .filter(s -> !s.isBlank() && s.strip().equals(s))
                // blank as the secrets define it: also no-break and other Unicode space characters alone
                .filter(s -> !s.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)));
    }

    @Provide
    Arbitrary<Character> asciiControls() {
        return Arbitraries.chars().range('\u0000', '\u001f').with('\u007f');
    }

    private static String sha256Prefix(String value) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
