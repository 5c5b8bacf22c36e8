package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged, foreign and leftover files: each damaged document is reported as CORRUPT with its path by
 * read and by compare-and-set, and stays byte for byte as it was.
 */
class DamagedFilesTest {
    private static final AccountId ACCOUNT = AccountId.of("acme");

    @TempDir
    Path temp;

    private Path directory;
    private Path file;
    private TokenState state;

    @BeforeEach
    void setUp() {
        directory = temp.resolve("store");
        file = directory.resolve("acme.json");
        state = new TokenState(Sentinels.accessToken(), "bearer", Instant.ofEpochMilli(1_772_360_130_123L),
                Sentinels.refreshToken(), Instant.ofEpochMilli(1_772_356_470_123L),
                Instant.ofEpochMilli(1_772_356_530_123L), Optional.of(Sentinels.credential()), Optional.empty(),
                Optional.empty());
    }

    private FileTokenStore plainStore() {
        return FileTokenStore.builder().directory(directory).fsync(false).build();
    }

    private FileTokenStore encryptedStore(String keyBase64) throws Exception {
        Files.createDirectories(temp.resolve("keys"));
        Path key = TestFiles.writeKeyFile(Files.createTempFile(temp.resolve("keys"), "key", ""), keyBase64);
        return FileTokenStore.builder().directory(directory).encryptionKeyFile(key).fsync(false).build();
    }

    private String validDocument() {
        FileTokenStore store = plainStore();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts read and compare-and-set both fail as CORRUPT naming the file, and the file is unchanged. */
    private void assertCorruptAndUntouched(TokenStore store, String... expectedDetail) throws Exception {
        byte[] before = Files.readAllBytes(file);
        for (ThrowingCallable call : new ThrowingCallable[] {
            () -> store.read(ACCOUNT),
            () -> store.compareAndSet(ACCOUNT, 1, state),
            () -> store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state)
        }) {
            assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> {
                assertThat(e.failure()).isInstanceOfSatisfying(Failure.StoreFailure.class,
                        f -> assertThat(f.reason()).isEqualTo(Reason.CORRUPT));
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains(file.toString());
                for (String detail : expectedDetail) {
                    assertThat(e.getMessage()).contains(detail);
                }
                assertThat(e.getMessage()).doesNotContain(state.accessToken().value(),
                        state.refreshToken().value(), state.credential().orElseThrow().value());
            });
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.list(directory).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void reportsAnEmptyFileAsCorrupt() throws Exception {
        validDocument();
        Files.write(file, new byte[0]);

        assertCorruptAndUntouched(plainStore(), "is empty");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 50, 200})
    void reportsATruncatedDocumentAsCorrupt(int keep) throws Exception {
        String document = validDocument();
        Files.writeString(file, document.substring(0, Math.min(keep, document.length() - 3)));

        assertCorruptAndUntouched(plainStore(), "is not a valid JSON document");
    }

    @Test
    void reportsBytesThatAreNotUtf8AsCorrupt() throws Exception {
        validDocument();
        Files.write(file, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});

        assertCorruptAndUntouched(plainStore(), "is not UTF-8");
    }

    @Test
    void reportsAnUnknownSchemaVersionAsCorrupt() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replace("\"schema_version\": 1", "\"schema_version\": 2"));

        assertCorruptAndUntouched(plainStore(), "schema_version 2");
    }

    @Test
    void reportsADocumentOfAnotherAccountAsCorrupt() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replace("\"account\": \"acme\"", "\"account\": \"other\""));

        assertCorruptAndUntouched(plainStore(), "holds account \"other\"");
    }

    @Test
    void reportsAMissingFieldByItsName() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replaceFirst(",\\s*\"expires_at\": \\d+", ""));

        assertCorruptAndUntouched(plainStore(), "access.expires_at");
    }

    @Test
    void reportsAFieldOfTheWrongTypeByItsName() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replaceFirst("\"version\": 1", "\"version\": \"1\""));

        assertCorruptAndUntouched(plainStore(), "version", "not a number");
    }

    @Test
    void reportsAnInvalidValueWithoutEchoingIt() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replace(state.accessToken().value(), state.accessToken().value() + "\\u0007"));

        assertCorruptAndUntouched(plainStore(), "access.access_token", "control character");
    }

    @Test
    void reportsAnEncryptedFileAsCorruptToAStoreWithoutAKey() throws Exception {
        encryptedStore(TestFiles.newKeyBase64()).compareAndSet(ACCOUNT, TokenStore.ABSENT, state);

        assertCorruptAndUntouched(plainStore(), "is encrypted, but this store has no encryption key");
    }

    @Test
    void refusesAPlaintextFileInAStoreWithAKey() throws Exception {
        validDocument();

        assertCorruptAndUntouched(encryptedStore(TestFiles.newKeyBase64()), "is not encrypted");
    }

    @Test
    void reportsAWrongKeyByKeyIdWithoutShowingEitherKey() throws Exception {
        String rightKey = TestFiles.newKeyBase64();
        String wrongKey = TestFiles.newKeyBase64();
        encryptedStore(rightKey).compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        FileTokenStore wrong = encryptedStore(wrongKey);

        assertCorruptAndUntouched(wrong, "was encrypted with another key");
        assertThatThrownBy(() -> wrong.read(ACCOUNT))
                .hasMessageNotContaining(rightKey)
                .hasMessageNotContaining(wrongKey);
        // the right key still reads it
        assertThat(encryptedStore(rightKey).read(ACCOUNT).orElseThrow().state()).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 20, 30, 60, -1})
    void reportsATamperedEncryptedFileAsCorrupt(int offset) throws Exception {
        String key = TestFiles.newKeyBase64();
        FileTokenStore store = encryptedStore(key);
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        byte[] bytes = Files.readAllBytes(file);
        int at = offset < 0 ? bytes.length - 1 : offset; // -1: the last byte of the tag
        bytes[at] ^= 0x01;
        Files.write(file, bytes);

        assertCorruptAndUntouched(store);
    }

    @Test
    void saysAuthenticationFailedWhenTheCiphertextWasAltered() throws Exception {
        FileTokenStore store = encryptedStore(TestFiles.newKeyBase64());
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        byte[] bytes = Files.readAllBytes(file);
        bytes[40] ^= 0x55;
        Files.write(file, bytes);

        assertCorruptAndUntouched(store, "failed authentication");
    }

    @Test
    void reportsATruncatedEncryptedFileAsCorrupt() throws Exception {
        FileTokenStore store = encryptedStore(TestFiles.newKeyBase64());
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        byte[] bytes = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
        assertCorruptAndUntouched(store, "failed authentication");

        Files.write(file, Arrays.copyOf(bytes, 20));
        assertCorruptAndUntouched(store, "cut short");
    }

    @Test
    void refusesAnEncryptedFileCopiedFromAnotherAccount() throws Exception {
        FileTokenStore store = encryptedStore(TestFiles.newKeyBase64());
        AccountId other = AccountId.of("other");
        store.compareAndSet(other, TokenStore.ABSENT, state);
        Files.copy(directory.resolve("other.json"), file);

        assertCorruptAndUntouched(store, "failed authentication");
    }

    @Test
    void reportsAnUnknownEnvelopeFormatAsCorrupt() throws Exception {
        FileTokenStore store = encryptedStore(TestFiles.newKeyBase64());
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] = 7;
        Files.write(file, bytes);

        assertCorruptAndUntouched(store, "envelope format 7");
    }

    @Test
    void reportsAnOversizedFileAsCorruptWithoutReadingIt() throws Exception {
        validDocument();
        Files.write(file, new byte[(1 << 20) + 1]);

        assertCorruptAndUntouched(plainStore(), "bytes long");
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplicate key", "trailing document", "trailing garbage", "comment", "single quotes",
        "NaN", "leading zero", "deep nesting", "long number", "top-level array", "huge exponent", "tiny exponent"})
    void reportsAHostileOrNonStandardDocumentAsCorruptWithoutEchoingIt(String damage) throws Exception {
        String document = validDocument();
        String hostile = switch (damage) {
            case "duplicate key" -> document.replaceFirst("\"version\": 1,", "\"version\": 1, \"version\": 7,");
            case "trailing document" -> document + "{}\n";
            case "trailing garbage" -> document + "x";
            case "comment" -> document.replaceFirst("\\{", "{ /* note */");
            case "single quotes" -> document.replaceFirst("\"token_type\": \"bearer\"", "'token_type': 'bearer'");
            case "NaN" -> document.replaceFirst("\"expires_at\": \\d+", "\"expires_at\": NaN");
            case "leading zero" -> document.replaceFirst("\"version\": 1", "\"version\": 01");
            case "deep nesting" -> document.replaceFirst("\"lease\": null", "\"lease\": " + "[".repeat(500) + "]".repeat(500));
            case "long number" -> document.replaceFirst("\"expires_at\": \\d+", "\"expires_at\": 1" + "0".repeat(200));
            case "top-level array" -> "[" + document + "]";
            case "huge exponent" -> document.replaceFirst("\"expires_at\": \\d+", "\"expires_at\": 1e99999999999");
            case "tiny exponent" -> document.replaceFirst("\"version\": 1", "\"version\": 1e-99999999999");
            default -> throw new IllegalArgumentException(damage);
        };
        assertThat(hostile).as("the damage was applied").isNotEqualTo(document);
        Files.writeString(file, hostile);

        assertCorruptAndUntouched(plainStore(), "is not a valid JSON document");
    }

    @Test
    void readsAWholeNumberWrittenWithAFractionOrExponentExactly() throws Exception {
        // another writer may spell 1772360130123 as 1.772360130123e12: the value, not the spelling, counts
        String document = validDocument();
        Files.writeString(file, document.replaceFirst("\"expires_at\": 1772360130123", "\"expires_at\": 1.772360130123e12")
                .replaceFirst("\"version\": 1", "\"version\": 1.0"));

        var read = plainStore().read(ACCOUNT).orElseThrow();
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.state()).isEqualTo(state);
    }

    @Test
    void reportsAFractionalInstantAsCorrupt() throws Exception {
        String document = validDocument();
        Files.writeString(file, document.replaceFirst("\"expires_at\": 1772360130123", "\"expires_at\": 1772360130123.5"));

        assertCorruptAndUntouched(plainStore(), "access.expires_at", "whole number");
    }

    @Test
    void writesAgainOnceTheDamagedFileWasMovedAside() throws Exception {
        validDocument();
        Files.writeString(file, "{\"schema_version\":");
        FileTokenStore store = plainStore();
        assertThatThrownBy(() -> store.read(ACCOUNT)).isInstanceOf(TokenException.class);

        Files.move(file, directory.resolve("acme.json.broken"));

        assertThat(store.read(ACCOUNT)).isEmpty();
        assertThat(store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state)).isInstanceOf(CasResult.Written.class);
        assertThat(store.read(ACCOUNT).orElseThrow().state()).isEqualTo(state);
    }

    @Test
    void ignoresAndRemovesTemporaryFilesLeftByACrashedWriter() throws Exception {
        FileTokenStore first = plainStore();
        first.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        Path leftover = directory.resolve(".acme.json.tmp");
        Path orphan = directory.resolve(".gone.json.tmp");
        Files.writeString(leftover, "{\"half\": \"a write that never got renamed");
        Files.writeString(orphan, "{");

        // a running store ignores them
        assertThat(first.read(ACCOUNT).orElseThrow().state()).isEqualTo(state);
        assertThat(first.accounts()).containsExactly(ACCOUNT);

        // a new store (a restarted job) removes them
        FileTokenStore restarted = plainStore();
        assertThat(leftover).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(restarted.read(ACCOUNT).orElseThrow().state()).isEqualTo(state);
    }

    @Test
    void overwritesALeftoverTemporaryFileOnTheNextWrite() throws Exception {
        FileTokenStore store = plainStore();
        long v1 = ((CasResult.Written) store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state)).state().version();
        Files.writeString(directory.resolve(".acme.json.tmp"), "garbage");

        TokenState next = new TokenState(new AccessToken("next"), "bearer", Instant.ofEpochMilli(1),
                new RefreshToken("r"), Instant.ofEpochMilli(1), Instant.ofEpochMilli(1), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(store.compareAndSet(ACCOUNT, v1, next)).isInstanceOf(CasResult.Written.class);

        assertThat(store.read(ACCOUNT).orElseThrow().state()).isEqualTo(next);
        assertThat(directory.resolve(".acme.json.tmp")).doesNotExist();
    }

    @Test
    void listsOnlyDocumentsNamedAfterValidAccounts() throws Exception {
        FileTokenStore store = plainStore();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        Files.writeString(directory.resolve("notes.txt"), "x");
        Files.writeString(directory.resolve("-bad name.json"), "{}");
        Files.writeString(directory.resolve("acme.json.broken"), "{}");

        assertThat(store.accounts()).containsExactly(ACCOUNT);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).contains("\"schema_version\": 1");
    }
}
