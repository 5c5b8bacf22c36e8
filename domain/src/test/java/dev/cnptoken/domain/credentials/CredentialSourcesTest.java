package dev.cnptoken.domain.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.CredentialSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSourcesTest {
    private static final AccountId ACME = AccountId.of("acme");
    private static final String SENTINEL = "SENTINEL-credential-0123456789";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private CredentialSource fromEnv() {
        return CredentialSources.fromEnvironment("CNP_CREDENTIAL_", name -> Optional.ofNullable(env.get(name)));
    }

    private static void assertNotConfigured(Runnable call, String... mentions) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains(mentions).doesNotContain(SENTINEL);
        });
    }

    @Test
    void aFileIsReadAtEachUseSoARenewedCredentialIsPickedUp() throws IOException {
        Path file = Files.writeString(dir.resolve("credential"), "first-credential\n");
        CredentialSource source = CredentialSources.fromFile(file);
        assertThat(source.credential(ACME)).contains(new ApiCredential("first-credential"));

        Files.writeString(file, SENTINEL);
        assertThat(source.credential(AccountId.of("globex"))).contains(new ApiCredential(SENTINEL));
    }

    @Test
    void dropsAByteOrderMarkAndSurroundingWhiteSpace() throws IOException {
        Path file = dir.resolve("credential");
        Files.write(file, ("\uFEFF  " + SENTINEL + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(CredentialSources.fromFile(file).credential(ACME)).contains(new ApiCredential(SENTINEL));

        env.put("CNP_CREDENTIAL_ACME", "\uFEFF " + SENTINEL + "\n");
        assertThat(fromEnv().credential(ACME)).contains(new ApiCredential(SENTINEL));
    }

    @Test
    void refusesAFileOverTheSizeLimitWithoutShowingIt() throws IOException {
        Path atLimit = Files.writeString(dir.resolve("at-limit"), "x".repeat(CredentialSources.MAX_BYTES));
        assertThat(CredentialSources.fromFile(atLimit).credential(ACME)).isPresent();

        Path file = Files.writeString(dir.resolve("credential"), SENTINEL.repeat(CredentialSources.MAX_BYTES / SENTINEL.length() + 1));
        assertNotConfigured(() -> CredentialSources.fromFile(file).credential(ACME), file.toString(), "more than 4096 bytes");
    }

    @Test
    void aMissingOrEmptyConfiguredFileIsNotConfigured() throws IOException {
        Path missing = dir.resolve("missing");
        assertNotConfigured(() -> CredentialSources.fromFile(missing).credential(ACME), missing.toString(), "NoSuchFileException");

        Path blank = Files.writeString(dir.resolve("blank"), " \n");
        assertNotConfigured(() -> CredentialSources.fromFile(blank).credential(ACME), blank.toString(), "not usable");
    }

    @Test
    void aDirectoryHoldsOneFilePerAccountAndHasNoneForOthers() throws IOException {
        Files.writeString(dir.resolve("acme"), SENTINEL + "\n");
        Files.writeString(dir.resolve("eu-prod.1"), "eu-credential");
        Files.createDirectory(dir.resolve("subdir"));
        CredentialSource source = CredentialSources.fromDirectory(dir);

        assertThat(source.credential(ACME)).contains(new ApiCredential(SENTINEL));
        assertThat(source.credential(AccountId.of("eu-prod.1"))).contains(new ApiCredential("eu-credential"));
        assertThat(source.credential(AccountId.of("globex"))).isEmpty();
        assertThat(source.credential(AccountId.of("subdir"))).as("a directory is not a credential file").isEmpty();
        assertThat(CredentialSources.fromDirectory(dir.resolve("absent")).credential(ACME)).isEmpty();
    }

    @Test
    void aDirectoryNeverReadsOutsideItself() throws IOException {
        // Account names cannot hold a separator or be "." or "..": a name with dots stays inside.
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Files.writeString(dir.resolve("a..b"), "outside-credential");
        Files.writeString(inner.resolve("a..b"), "inside-credential");

        assertThat(CredentialSources.fromDirectory(inner).credential(AccountId.of("a..b")))
                .contains(new ApiCredential("inside-credential"));
        assertThat(CredentialSources.fromDirectory(inner.resolve("..").resolve("inner")).credential(AccountId.of("a..b")))
                .contains(new ApiCredential("inside-credential"));
    }

    @Test
    void theEnvironmentVariableIsThePrefixAndTheUpperCasedAccountWithUnderscores() {
        assertThat(CredentialSources.variableName("CNP_CREDENTIAL_", AccountId.of("eu-prod.1"))).isEqualTo("CNP_CREDENTIAL_EU_PROD_1");
        env.put("CNP_CREDENTIAL_EU_PROD_1", "eu-credential");
        env.put("CNP_CREDENTIAL_GLOBEX", "");

        assertThat(fromEnv().credential(AccountId.of("eu-prod.1"))).contains(new ApiCredential("eu-credential"));
        assertThat(fromEnv().credential(AccountId.of("globex"))).as("empty counts as unset").isEmpty();
        assertThat(fromEnv().credential(ACME)).isEmpty();
        env.put("CNP_CREDENTIAL_ACME", " \n");
        assertNotConfigured(() -> fromEnv().credential(ACME), "CNP_CREDENTIAL_ACME", "not usable");
    }

    @Test
    void theRealEnvironmentIsReadWhenNoLookupIsGiven() {
        String path = System.getenv("PATH");
        assumeTrue(path != null && !path.isBlank(), "PATH is set");

        // prefix "PAT" and account "h" name the variable PATH
        assertThat(CredentialSources.fromEnvironment("PAT").credential(AccountId.of("h"))).contains(new ApiCredential(path.strip()));
        assertThat(CredentialSources.fromEnvironment("CNP_TOKEN_TEST_NEVER_SET_").credential(ACME)).isEmpty();
    }

    @Test
    void firstOfAnswersWithTheFirstSourceThatHasOneAndStopsAtAFault() throws IOException {
        AtomicInteger laterAsked = new AtomicInteger();
        CredentialSource later = account -> {
            laterAsked.incrementAndGet();
            return Optional.of(new ApiCredential("later"));
        };
        Files.writeString(dir.resolve("acme"), "from-dir");

        CredentialSource chain = CredentialSources.firstOf(fromEnv(), CredentialSources.fromDirectory(dir), later);
        assertThat(chain.credential(ACME)).contains(new ApiCredential("from-dir"));
        assertThat(laterAsked).hasValue(0);
        assertThat(chain.credential(AccountId.of("globex"))).contains(new ApiCredential("later"));
        env.put("CNP_CREDENTIAL_ACME", "from-env");
        assertThat(chain.credential(ACME)).contains(new ApiCredential("from-env"));

        CredentialSource broken = CredentialSources.firstOf(CredentialSources.fromFile(dir.resolve("missing")), later);
        assertNotConfigured(() -> broken.credential(ACME), "missing");
        assertThat(CredentialSources.firstOf().credential(ACME)).isEmpty();
    }

    @Test
    void theSourcesSayWhatTheyReadButNeverWhatTheyRead() throws IOException {
        Path file = Files.writeString(dir.resolve("credential"), SENTINEL);
        CredentialSource source = CredentialSources.fromFile(file);
        source.credential(ACME);

        assertThat(source.toString()).contains(file.toString()).doesNotContain(SENTINEL);
        assertThat(CredentialSources.firstOf(source, fromEnv()).toString()).contains("CNP_CREDENTIAL_").doesNotContain(SENTINEL);
    }

    @Test
    void refusesNullArguments() {
        assertThatThrownBy(() -> CredentialSources.fromFile(null)).hasMessage("file == null");
        assertThatThrownBy(() -> CredentialSources.fromDirectory(null)).hasMessage("directory == null");
        assertThatThrownBy(() -> CredentialSources.fromEnvironment(null)).hasMessage("prefix == null");
        assertThatThrownBy(() -> CredentialSources.firstOf((CredentialSource[]) null)).hasMessage("sources == null");
        assertThatThrownBy(() -> CredentialSources.firstOf(CredentialSource.none(), null)).isInstanceOf(NullPointerException.class);
    }
}
