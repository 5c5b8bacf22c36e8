package dev.cnptoken.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.app.config.CredentialsConfig;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.SecretText;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredCredentialsTest {
    private static final AccountId ACME = AccountId.of("acme");
    private static final String CREDENTIAL = "SENTINEL-credential-0123456789";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private ConfiguredCredentials credentials(CredentialsConfig config) {
        return new ConfiguredCredentials(config, name -> Optional.ofNullable(env.get(name)).filter(s -> !s.isEmpty()));
    }

    private static CredentialsConfig file(Path file) {
        return new CredentialsConfig(Optional.empty(), Optional.of(file), Optional.empty());
    }

    @Test
    void readsACredentialFileThatStartsWithAByteOrderMarkWithoutIt() throws IOException {
        Path file = dir.resolve("credential");
        Files.write(file, ("\uFEFF" + CREDENTIAL + "\r\n").getBytes(StandardCharsets.UTF_8));

        assertThat(credentials(file(file)).credential(ACME)).contains(new ApiCredential(CREDENTIAL));
    }

    @Test
    void dropsSurroundingWhiteSpaceFromFilesAndVariables() throws IOException {
        Path perAccount = Files.createDirectory(dir.resolve("accounts"));
        Files.writeString(perAccount.resolve("acme"), "\n  " + CREDENTIAL + "  \n");
        CredentialsConfig config = new CredentialsConfig(Optional.empty(), Optional.empty(), Optional.of(perAccount));
        assertThat(credentials(config).credential(ACME)).contains(new ApiCredential(CREDENTIAL));

        env.put("CNP_CREDENTIAL_ACME", "\uFEFF " + CREDENTIAL + "\n");
        assertThat(credentials(config).credential(ACME)).contains(new ApiCredential(CREDENTIAL));
    }

    @Test
    void refusesACredentialFileOthersCanWriteNamingItsModeAndTheFix() throws IOException {
        Path perAccount = Files.createDirectory(dir.resolve("accounts"));
        Path file = Files.writeString(perAccount.resolve("acme"), CREDENTIAL);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        CredentialsConfig config = new CredentialsConfig(Optional.empty(), Optional.empty(), Optional.of(perAccount));

        assertThatThrownBy(() -> credentials(config).credential(ACME)).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains(file.toString(), "0666", "chmod 600").doesNotContain(CREDENTIAL);
        });
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(() -> credentials(file(file)).credential(ACME)).hasMessageContaining("0660");
    }

    @Test
    void usesACredentialFileOthersCanReadAsKubernetesMountsIt() throws IOException {
        Path file = Files.writeString(dir.resolve("credential"), CREDENTIAL);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(credentials(file(file)).credential(ACME)).contains(new ApiCredential(CREDENTIAL));
    }

    @Test
    void refusesAnOversizedCredentialFileWithoutShowingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("credential"), CREDENTIAL.repeat(SecretText.MAX_BYTES / CREDENTIAL.length() + 1));

        assertThatThrownBy(() -> credentials(file(file)).credential(ACME)).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains(file.toString()).contains("more than " + SecretText.MAX_BYTES + " bytes")
                    .doesNotContain("SENTINEL");
        });
    }

    @Test
    void looksInThePerAccountVariableThenTheDirectoryThenTheSharedOneThenTheFile() throws IOException {
        Path perAccount = Files.createDirectory(dir.resolve("accounts"));
        Files.writeString(perAccount.resolve("acme"), "from-dir");
        Path shared = Files.writeString(dir.resolve("shared"), "from-file");
        CredentialsConfig all = new CredentialsConfig(Optional.of(new dev.cnptoken.app.config.Secret("from-env", "CNP_CREDENTIAL")),
                Optional.of(shared), Optional.of(perAccount));

        env.put("CNP_CREDENTIAL_ACME", "from-account-env");
        assertThat(credentials(all).credential(ACME)).contains(new ApiCredential("from-account-env"));
        env.clear();
        assertThat(credentials(all).credential(ACME)).contains(new ApiCredential("from-dir"));
        assertThat(credentials(all).credential(AccountId.of("globex"))).contains(new ApiCredential("from-env"));
        CredentialsConfig fileOnly = new CredentialsConfig(Optional.empty(), Optional.of(shared), Optional.of(perAccount));
        assertThat(credentials(fileOnly).credential(AccountId.of("globex"))).contains(new ApiCredential("from-file"));
        assertThat(credentials(new CredentialsConfig(Optional.empty(), Optional.empty(), Optional.empty())).credential(ACME)).isEmpty();
    }
}
