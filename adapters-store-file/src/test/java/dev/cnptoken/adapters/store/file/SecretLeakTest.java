package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the store through writes, conflicts and every kind of failure with sentinel secrets, and
 * searches every log line (all levels), exception message, cause and {@code toString()} for them.
 */
class SecretLeakTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final StoreLogs logs = new StoreLogs();

    @Test
    void neverLogsOrThrowsASecret() throws Exception {
        String keyText = TestFiles.newKeyBase64();
        String otherKeyText = TestFiles.newKeyBase64();
        Path keyFile = TestFiles.writeKeyFile(temp.resolve("key"), keyText);
        Path otherKeyFile = TestFiles.writeKeyFile(temp.resolve("other-key"), otherKeyText);
        Path directory = temp.resolve("store");
        TokenState state = new TokenState(Sentinels.accessToken(), "bearer", Instant.ofEpochMilli(1_772_360_130_123L),
                Sentinels.refreshToken(), Instant.ofEpochMilli(1_772_356_470_123L),
                Instant.ofEpochMilli(1_772_356_530_123L), Optional.of(Sentinels.credential()),
                Optional.of(new Lease("host/1", Instant.ofEpochMilli(1_772_356_600_000L))),
                Optional.of(new FailureNote("unavailable", "HTTP 503", Instant.ofEpochMilli(1_772_356_500_000L))));
        List<String> texts = new ArrayList<>();
        AccountId plain = AccountId.of("plain");
        AccountId sealed = AccountId.of("sealed");

        Files.createDirectories(directory);
        Files.writeString(directory.resolve(".plain.json.tmp"), state.accessToken().value()); // a crashed write
        FileTokenStore plainStore = FileTokenStore.builder().directory(directory).build();
        FileTokenStore keyed = FileTokenStore.builder().directory(directory).encryptionKeyFile(keyFile).build();
        FileTokenStore wrongKey = FileTokenStore.builder().directory(directory).encryptionKeyFile(otherKeyFile).build();
        texts.add(plainStore.toString());
        texts.add(keyed.toString());

        plainStore.compareAndSet(plain, TokenStore.ABSENT, state);
        plainStore.compareAndSet(plain, TokenStore.ABSENT, state); // conflict
        keyed.compareAndSet(sealed, TokenStore.ABSENT, state);
        texts.add(plainStore.read(plain).orElseThrow().toString());
        texts.add(keyed.read(sealed).orElseThrow().toString());

        List<Runnable> failing = List.of(
                () -> wrongKey.read(sealed),
                () -> wrongKey.compareAndSet(sealed, 1, state),
                () -> plainStore.read(sealed),
                () -> keyed.read(plain),
                () -> FileTokenStore.builder().directory(directory).encryptionKeyFromEnvironment("K")
                        .environment(name -> state.accessToken().value()).build());
        for (Runnable call : failing) {
            assertThatThrownBy(call::run).isInstanceOf(TokenException.class).satisfies(e -> texts.add(everything(e)));
        }
        // a damaged plaintext document that still holds the secrets
        Path plainFile = directory.resolve("plain.json");
        String document = Files.readString(plainFile);
        Files.writeString(plainFile, document.substring(0, document.length() - 10));
        assertThatThrownBy(() -> plainStore.read(plain)).satisfies(e -> texts.add(everything(e)));
        Files.writeString(plainFile, document.replace("\"bearer\"", "\"\""));
        assertThatThrownBy(() -> plainStore.read(plain)).satisfies(e -> texts.add(everything(e)));
        // a tampered encrypted file
        Path sealedFile = directory.resolve("sealed.json");
        byte[] bytes = Files.readAllBytes(sealedFile);
        bytes[40] ^= 0x10;
        Files.write(sealedFile, bytes);
        assertThatThrownBy(() -> keyed.read(sealed)).satisfies(e -> texts.add(everything(e)));
        // the directory disappears
        Files.move(directory, temp.resolve("gone"));
        assertThatThrownBy(() -> keyed.compareAndSet(sealed, 1, state)).satisfies(e -> texts.add(everything(e)));
        assertThatThrownBy(() -> keyed.read(sealed)).satisfies(e -> texts.add(everything(e)));

        List<String> logged = logs.formatted();
        texts.addAll(logged);
        // the capture works: each kind of event was logged
        assertThat(String.join("\n", logged)).contains("wrote version 1", "compare-and-set lost",
                "removed", "failed authentication", "another key", "file token store ready");
        List<String> secrets = List.of(state.accessToken().value(), state.refreshToken().value(),
                state.credential().orElseThrow().value(), keyText, otherKeyText);
        for (String text : texts) {
            for (String secret : secrets) {
                for (String needle : Sentinels.needles(secret)) {
                    assertThat(text).doesNotContain(needle);
                }
            }
        }
    }

    private static String everything(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n').append(t.getMessage()).append('\n');
            for (StackTraceElement element : t.getStackTrace()) {
                b.append(element).append('\n');
            }
        }
        return b.toString();
    }
}
