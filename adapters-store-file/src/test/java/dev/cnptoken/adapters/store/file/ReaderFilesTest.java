package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Reader files: the access side of each account, for consumers that must not see the refresh token. */
class ReaderFilesTest {
    private static final AccountId ACCOUNT = AccountId.of("acme");
    private static final TokenState STATE = new TokenState(Sentinels.accessToken(), "bearer",
            Instant.ofEpochMilli(1_772_360_130_123L), Sentinels.refreshToken(), Instant.ofEpochMilli(1_772_356_470_123L),
            Instant.ofEpochMilli(1_772_356_530_123L), Optional.of(Sentinels.credential()),
            Optional.of(new Lease("host/1", Instant.ofEpochMilli(1_772_356_600_000L))),
            Optional.of(new FailureNote("unavailable", "HTTP 503", Instant.ofEpochMilli(1_772_356_500_000L))));

    @TempDir
    Path temp;

    @RegisterExtension
    final StoreLogs logs = new StoreLogs();

    @Test
    void writesTheAccessSideOnlyInTheAccessRecordsFieldNamesWithTheDefaultMode() throws Exception {
        Path readers = temp.resolve("readers");
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("store")).readerFiles(readers).build();

        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, STATE);

        Path file = readers.resolve("acme.access.json");
        JsonNode doc = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(doc.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("schema_version", "access_token", "token_type", "expires_at");
        assertThat(doc.get("schema_version").asInt()).isEqualTo(1);
        assertThat(doc.get("access_token").asText()).isEqualTo(STATE.accessToken().value());
        assertThat(doc.get("token_type").asText()).isEqualTo("bearer");
        assertThat(doc.get("expires_at").asLong()).isEqualTo(1_772_360_130_123L);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(readers))).isEqualTo("rwxr-x---");
        try (var files = Files.list(readers)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void writesTheReaderDocumentByteForByteAsDocumented() {
        TokenState state = new TokenState(new dev.cnptoken.domain.AccessToken("eyJhbGciOi...\u00e9\ud83d\ude00\"/"),
                "bearer", Instant.ofEpochMilli(1_772_363_730_123L), STATE.refreshToken(), STATE.refreshIssuedAt(),
                STATE.updatedAt(), STATE.credential(), STATE.lease(), STATE.lastFailure());
        String expected = "{" + System.lineSeparator()
                + "  \"schema_version\" : 1," + System.lineSeparator()
                + "  \"access_token\" : \"eyJhbGciOi...\u00e9\ud83d\ude00\\\"/\"," + System.lineSeparator()
                + "  \"token_type\" : \"bearer\"," + System.lineSeparator()
                + "  \"expires_at\" : 1772363730123" + System.lineSeparator()
                + "}\n";

        byte[] bytes = ReaderFiles.encode(state);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(bytes).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void neverPutsTheRefreshTokenOrTheCredentialInAReaderFileNorEncryptsIt() throws Exception {
        Path readers = temp.resolve("readers");
        Path key = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("store")).encryptionKeyFile(key)
                .readerFiles(readers).build();

        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, STATE);

        String text = new String(Files.readAllBytes(readers.resolve("acme.access.json")), StandardCharsets.UTF_8);
        assertThat(text).startsWith("{").contains(STATE.accessToken().value());
        for (String secret : List.of(STATE.refreshToken().value(), STATE.credential().orElseThrow().value())) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(text).doesNotContain(needle);
            }
        }
        assertThat(text).doesNotContain("refresh", "credential", "host/1", "HTTP 503");
    }

    @Test
    void givesReaderFilesTheirOwnModeAndGroupAndReplacesThemAtEachWrite() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(TestFiles.runningAsRoot())
                .as("only root can give a file to any group").isTrue();
        Path readers = temp.resolve("readers");
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("store")).readerFiles(readers)
                .readerFileMode("0644").readerFileGroup("nogroup").build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("first"));

        store.compareAndSet(ACCOUNT, 1, CasHammer.counter("second"));

        Path file = readers.resolve("acme.access.json");
        assertThat(Files.readString(file)).contains(CasHammer.counter("second").accessToken().value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(65534);
        assertThat(Files.getAttribute(readers, "unix:gid")).as("the directory it created").isEqualTo(65534);
        try (var files = Files.list(readers)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aReaderFileThatCannotBeWrittenIsAWarningAndIsWrittenAgainAtTheNextWrite() throws Exception {
        Path readers = temp.resolve("readers");
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("store")).readerFiles(readers).build();
        Path blocker = Files.createDirectories(readers.resolve("acme.access.json").resolve("in-the-way"));

        CasResult first = store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));

        assertThat(first.written()).isTrue();
        assertThat(store.read(ACCOUNT).orElseThrow().version()).isEqualTo(1);
        assertThat(logs.messages()).anyMatch(l -> l.startsWith("WARNING") && l.contains("reader file")
                && l.contains(readers.resolve("acme.access.json").toString()) && l.contains("next write"));
        Files.delete(blocker);
        Files.delete(blocker.getParent());

        store.compareAndSet(ACCOUNT, 1, CasHammer.counter("2"));

        assertThat(Files.readString(readers.resolve("acme.access.json")))
                .contains(CasHammer.counter("2").accessToken().value());
        try (var files = Files.list(readers)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void refusesAReaderModeGroupOrOthersCouldWrite() {
        for (String mode : List.of("0660", "0646", "0755", "640x", "0040")) {
            assertThatThrownBy(() -> FileTokenStore.builder().readerFileMode(mode))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(mode.strip());
        }
    }

    @Test
    void refusesTheStoreDirectoryAsReaderDirectoryAndAReaderDirectoryOthersCanWrite() throws Exception {
        Path store = temp.resolve("store");
        assertThatThrownBy(() -> FileTokenStore.builder().directory(store).readerFiles(store).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store directory");
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> FileTokenStore.builder().directory(store).readerFiles(open).build())
                .hasMessageContaining(open.toString()).hasMessageContaining("chmod 700");
    }

    @Test
    void writesNoReaderFileUnlessAskedTo() {
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("store")).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));

        assertThat(temp.resolve("store").resolve("acme.access.json")).doesNotExist();
        assertThat(store.toString()).doesNotContain("reader");
    }
}
