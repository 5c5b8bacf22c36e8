package dev.cnptoken.app.wiring;

import dev.cnptoken.app.config.ConfigSources;
import dev.cnptoken.app.config.Key;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.CredentialSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds an account's API credential, in this order: the environment variable {@code
 * CNP_CREDENTIAL_<ACCOUNT>} (account upper-cased, other characters than letters and digits as
 * {@code _}); the file {@code <credential_dir>/<account>}; {@code CNP_CREDENTIAL}; the file named by
 * {@code credential_file}. When none has one, the engine falls back to a credential kept in the
 * store. Files are read on every use, so a renewed credential is picked up without a restart.
 */
public final class ConfiguredCredentials implements CredentialSource {
    private final ConfigSources sources;

    public ConfiguredCredentials(ConfigSources sources) {
        this.sources = sources;
    }

    /** The per-account environment variable's name. */
    public static String envName(AccountId account) {
        return "CNP_CREDENTIAL_" + account.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public Optional<ApiCredential> credential(AccountId account) {
        Optional<String> perAccount = sources.env(envName(account));
        if (perAccount.isPresent()) {
            return Optional.of(parse(perAccount.get(), envName(account)));
        }
        Optional<ConfigSources.Value> dir = sources.get(Key.CREDENTIAL_DIR);
        if (dir.isPresent()) {
            Path file = Path.of(dir.get().text().strip()).resolve(account.name());
            if (Files.isRegularFile(file)) {
                return Optional.of(parse(read(file), file.toString()));
            }
        }
        Optional<ConfigSources.Value> shared = sources.get(Key.CREDENTIAL);
        if (shared.isPresent()) {
            return Optional.of(parse(shared.get().text(), shared.get().origin()));
        }
        Optional<ConfigSources.Value> file = sources.get(Key.CREDENTIAL_FILE);
        if (file.isPresent()) {
            Path p = Path.of(file.get().text().strip());
            return Optional.of(parse(read(p), p.toString()));
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenException(new Failure.NotConfigured("cannot read the credential file " + file + " ("
                    + e.getClass().getSimpleName() + ")"));
        }
    }

    private static ApiCredential parse(String text, String origin) {
        try {
            return new ApiCredential(text.strip());
        } catch (IllegalArgumentException e) {
            throw new TokenException(new Failure.NotConfigured("the API credential from " + origin + " is not usable: " + e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "ConfiguredCredentials";
    }
}
