package dev.cnptoken.domain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AES-256-GCM with associated data, and the key rules both stores share. */
class SecretCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SECRET = "SENTINEL-REFRESH-TOKEN".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HERE = "account a, field refresh_token".getBytes(StandardCharsets.US_ASCII);

    static EncryptionKey newKey() {
        byte[] raw = new byte[EncryptionKey.LENGTH];
        RANDOM.nextBytes(raw);
        return EncryptionKey.fromText(Base64.getEncoder().encodeToString(raw), "a test");
    }

    @Test
    void opensWhatItSealedWithTheSameKeyAndAssociatedData() throws Exception {
        EncryptionKey key = newKey();

        byte[] sealed = SecretCipher.seal(key, HERE, SECRET, RANDOM);

        assertThat(sealed).hasSize(SECRET.length + SecretCipher.OVERHEAD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("SENTINEL");
        assertThat(SecretCipher.open(key, HERE, sealed)).isEqualTo(SECRET);
    }

    @Test
    void sealsTheSameSecretDifferentlyEachTime() {
        EncryptionKey key = newKey();

        assertThat(SecretCipher.seal(key, HERE, SECRET, RANDOM)).isNotEqualTo(SecretCipher.seal(key, HERE, SECRET, RANDOM));
    }

    @Test
    void refusesAnotherKeyAlteredBytesOtherAssociatedDataAndATruncatedValue() {
        EncryptionKey key = newKey();
        byte[] sealed = SecretCipher.seal(key, HERE, SECRET, RANDOM);
        byte[] altered = sealed.clone();
        altered[SecretCipher.NONCE_LENGTH + 2] ^= 1;

        assertThatThrownBy(() -> SecretCipher.open(newKey(), HERE, sealed)).isInstanceOf(SecretCipher.NotAuthentic.class)
                .hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> SecretCipher.open(key, HERE, altered)).isInstanceOf(SecretCipher.NotAuthentic.class);
        assertThatThrownBy(() -> SecretCipher.open(key, "account b, field refresh_token".getBytes(StandardCharsets.US_ASCII),
                sealed)).isInstanceOf(SecretCipher.NotAuthentic.class);
        assertThatThrownBy(() -> SecretCipher.open(key, HERE, new byte[SecretCipher.OVERHEAD - 1]))
                .isInstanceOf(SecretCipher.NotAuthentic.class).hasMessageContaining("at least 28");
    }

    @Test
    void opensASealedValueInsideALargerBuffer() throws Exception {
        EncryptionKey key = newKey();
        byte[] sealed = SecretCipher.seal(key, HERE, SECRET, RANDOM);
        byte[] framed = new byte[sealed.length + 5];
        System.arraycopy(sealed, 0, framed, 3, sealed.length);

        assertThat(SecretCipher.open(key, HERE, framed, 3, sealed.length)).isEqualTo(SECRET);
    }

    @Test
    void refusesAKeyOfTheWrongSizeAsAConfigurationErrorWithoutEchoingIt() {
        String sixteen = Base64.getEncoder().encodeToString("SENTINELKEY16byt".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> EncryptionKey.fromText(sixteen, "CNP_X")).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains("encryption key from CNP_X decodes to 16 bytes; AES-256 needs exactly 32")
                    .doesNotContain(sixteen);
        });
        assertThatThrownBy(() -> EncryptionKey.fromEnvironment("K", Map.of("K", "SENTINEL not base64!")::get))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.getMessage())
                        .contains("environment variable K is not standard base64").doesNotContain("SENTINEL"));
    }

    @Test
    void namesTheKeyByTheFirstFourBytesOfItsSha256Only() {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        String base64 = Base64.getEncoder().encodeToString(raw);

        EncryptionKey key = EncryptionKey.fromText(base64 + "\n", "a test");

        // sha256(00 01 .. 1f) = 630dcd29 66c43366...
        assertThat(key.id()).isEqualTo("630dcd29");
        assertThat(key.idBytes()).containsExactly(0x63, 0x0d, 0xcd, 0x29);
        assertThat(key.toString()).isEqualTo("EncryptionKey[id=630dcd29]").doesNotContain(base64);
    }
}
