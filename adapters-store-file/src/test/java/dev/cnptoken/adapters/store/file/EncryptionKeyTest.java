package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.port.TokenStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading the encryption key: every mistake is a clear NotConfigured that never shows the key. */
class EncryptionKeyTest {
    @TempDir
    Path temp;

    private FileTokenStore.Builder builder() {
        return FileTokenStore.builder().directory(temp.resolve("store"));
    }

    private static void assertNotConfigured(Runnable build, String expected, String secret) {
        assertThatThrownBy(build::run).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains(expected);
            if (secret != null) {
                assertThat(e.getMessage()).doesNotContain(secret.strip());
            }
        });
    }

    @Test
    void readsABase64KeyFileWithATrailingNewline() throws Exception {
        Path key = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());

        FileTokenStore store = builder().encryptionKeyFile(key).build();

        assertThat(store.toString()).contains("AES-256-GCM key id ");
    }

    @Test
    void readsTheSameKeyFromAnEnvironmentVariable() throws Exception {
        String key = TestFiles.newKeyBase64();
        FileTokenStore fromFile = builder().encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), key)).build();
        fromFile.compareAndSet(AccountId.of("a"), TokenStore.ABSENT, CasHammer.counter("1"));

        FileTokenStore fromEnv = builder().encryptionKeyFromEnvironment("MY_KEY")
                .environment(Map.of("MY_KEY", key)::get).build();

        assertThat(fromEnv.read(AccountId.of("a")).orElseThrow().state()).isEqualTo(CasHammer.counter("1"));
    }

    @Test
    void readsTheSameKeyGivenAsTextByTheCaller() throws Exception {
        String key = TestFiles.newKeyBase64();
        FileTokenStore fromFile = builder().encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), key)).build();
        fromFile.compareAndSet(AccountId.of("a"), TokenStore.ABSENT, CasHammer.counter("1"));

        FileTokenStore fromText = builder().encryptionKey(key + "\n", "CNP_FILE_KEY").build();

        assertThat(fromText.read(AccountId.of("a")).orElseThrow().state()).isEqualTo(CasHammer.counter("1"));
    }

    @Test
    void refusesAMalformedKeyGivenAsTextNamingItsOriginOnly() {
        String bad = "SENTINEL-not-base64-" + "x".repeat(20);

        assertNotConfigured(() -> builder().encryptionKey(bad, "CNP_FILE_KEY").build(),
                "encryption key from CNP_FILE_KEY is not standard base64", bad);
        assertNotConfigured(() -> builder().encryptionKey(" ", "CNP_FILE_KEY").build(),
                "encryption key from CNP_FILE_KEY is empty", null);
        assertThatThrownBy(() -> builder().encryptionKey(bad, "CNP_FILE_KEY").encryptionKeyFromEnvironment("K").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both").hasMessageNotContaining(bad);
    }

    @Test
    void refusesAKeyFileOthersCanWrite() throws Exception {
        String key = TestFiles.newKeyBase64();
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--rw-"));

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), file + " is mode 0646", key);
    }

    @Test
    void refusesAKeyFileTheGroupCanWrite() throws Exception {
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), "chmod 600", null);
    }

    @Test
    void usesAKeyFileTheGroupCanReadAsKubernetesMountsIt() throws Exception {
        // one rule for every secret file: refuse what others can write, warn about what they can read
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(builder().encryptionKeyFile(file).build().toString()).contains("AES-256-GCM key id ");
    }

    @Test
    void reportsAMissingKeyFile() {
        Path file = temp.resolve("nowhere");

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), file + " does not exist", null);
    }

    @Test
    void reportsAnUnsetVariableByName() {
        assertNotConfigured(() -> builder().encryptionKeyFromEnvironment("NOT_SET_ANYWHERE")
                .environment(name -> null).build(), "environment variable NOT_SET_ANYWHERE is not set", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64 at all!", "c2VjcmV0LWtleS1tYXRlcmlhbA==", "QUJD"})
    void reportsAMalformedKeyWithoutEchoingIt(String bad) throws Exception {
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), bad);

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), "key file " + file, bad);
        assertNotConfigured(() -> builder().encryptionKeyFromEnvironment("K").environment(Map.of("K", bad)::get).build(),
                "environment variable K", bad);
    }

    @Test
    void saysHowLongTheKeyWasWhenItIsNot32Bytes() throws Exception {
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), sixteen);

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), "decodes to 16 bytes", sixteen);
    }

    @Test
    void refusesAnOversizedKeyFile() throws Exception {
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), "A".repeat(4096));

        assertNotConfigured(() -> builder().encryptionKeyFile(file).build(), "larger than 1024 bytes", null);
    }

    @Test
    void refusesTwoKeySources() throws Exception {
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());

        assertThatThrownBy(() -> builder().encryptionKeyFile(file).encryptionKeyFromEnvironment("K").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void explainsMissingAndInvalidBuilderSettings() {
        assertThatThrownBy(() -> FileTokenStore.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("directory is not set");
        assertThatThrownBy(() -> FileTokenStore.builder().directory(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("directory == null");
        assertThatThrownBy(() -> FileTokenStore.builder().lockTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileTokenStore.builder().encryptionKeyFromEnvironment(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rotatesToANewKeyFileByFileAsEachAccountIsWritten() throws Exception {
        Path oldKey = TestFiles.writeKeyFile(temp.resolve("old-key"), TestFiles.newKeyBase64());
        Path newKey = TestFiles.writeKeyFile(temp.resolve("new-key"), TestFiles.newKeyBase64());
        AccountId a = AccountId.of("a");
        AccountId b = AccountId.of("b");
        FileTokenStore before = builder().encryptionKeyFile(oldKey).build();
        before.compareAndSet(a, TokenStore.ABSENT, CasHammer.counter("a1"));
        before.compareAndSet(b, TokenStore.ABSENT, CasHammer.counter("b1"));

        FileTokenStore during = builder().encryptionKeyFile(newKey).previousEncryptionKeyFile(oldKey).build();
        assertThat(during.read(a).orElseThrow().state()).isEqualTo(CasHammer.counter("a1"));
        during.compareAndSet(a, 1, CasHammer.counter("a2"));

        FileTokenStore after = builder().encryptionKeyFile(newKey).build();
        assertThat(after.read(a).orElseThrow().state()).isEqualTo(CasHammer.counter("a2"));
        String newId = EncryptionKey.fromFile(newKey).id();
        String oldId = EncryptionKey.fromFile(oldKey).id();
        assertThatThrownBy(() -> after.read(b)).isInstanceOf(TokenException.class)
                .hasMessageContaining("key id " + oldId + "; this store's key has id " + newId);
        assertThatThrownBy(() -> before.read(a)).isInstanceOf(TokenException.class)
                .hasMessageContaining("key id " + newId);
        assertThat(during.toString()).contains("key id " + newId, "also reads key id " + oldId);
    }

    @Test
    void refusesAPreviousKeyWithoutACurrentOne() throws Exception {
        Path oldKey = TestFiles.writeKeyFile(temp.resolve("old-key"), TestFiles.newKeyBase64());

        assertThatThrownBy(() -> builder().previousEncryptionKeyFile(oldKey).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a current key");
    }

    @Test
    void keyIdIsTheFirstFourBytesOfTheSha256OfTheRawKey() throws Exception {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        Path file = TestFiles.writeKeyFile(temp.resolve("key"), Base64.getEncoder().encodeToString(raw));
        // sha256(00 01 .. 1f) = 630dcd29 66c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd
        assertThat(EncryptionKey.fromFile(file).id()).isEqualTo("630dcd29");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).endsWith("\n");
    }
}
