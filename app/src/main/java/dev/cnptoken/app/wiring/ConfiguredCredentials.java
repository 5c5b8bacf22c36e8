package dev.cnptoken.app.wiring;

import dev.cnptoken.app.config.CredentialsConfig;
import dev.cnptoken.app.config.SecretFiles;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.CredentialSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds an account's API credential, in this order: the environment variable {@code
 * CNP_CREDENTIAL_<ACCOUNT>} (account upper-cased, other characters than letters and digits as
 * {@code _}); the file {@code <credential_dir>/<account>}; {@code CNP_CREDENTIAL}; the file named by
 * {@code credential_file}. When none has one, the engine falls back to a credential kept in the
 * store. Files are read on every use (a leading byte order mark and surrounding white space
 * dropped, at most {@link SecretFiles#MAX_BYTES}), so a renewed credential is picked up without a
 * restart; a file group or others can write is refused, one they can read is used with a warning.
 */
public final class ConfiguredCredentials implements CredentialSource {
    private final CredentialsConfig config;
    private final Function<String, Optional<String>> environment;

    /**
     * @param config where the credentials are configured
     * @param environment looks up an environment variable (empty when unset or empty)
     */
    public ConfiguredCredentials(CredentialsConfig config, Function<String, Optional<String>> environment) {
        this.config = Objects.requireNonNull(config, "config == null");
        this.environment = Objects.requireNonNull(environment, "environment == null");
    }

    /** The per-account environment variable's name. */
    public static String envName(AccountId account) {
        return "CNP_CREDENTIAL_" + account.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public Optional<ApiCredential> credential(AccountId account) {
        Optional<String> perAccount = environment.apply(envName(account));
        if (perAccount.isPresent()) {
            return Optional.of(parse(SecretFiles.clean(perAccount.get()), envName(account)));
        }
        if (config.directory().isPresent()) {
            Path file = config.directory().get().resolve(account.name());
            if (Files.isRegularFile(file)) {
                return Optional.of(parse(read(file), file.toString()));
            }
        }
        if (config.shared().isPresent()) {
            return Optional.of(parse(config.shared().get().value(), config.shared().get().origin()));
        }
        if (config.file().isPresent()) {
            Path p = config.file().get();
            return Optional.of(parse(read(p), p.toString()));
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return SecretFiles.read(file, "credential file");
        } catch (SecretFiles.UnsafeFileException e) {
            throw new TokenException(new Failure.NotConfigured(e.getMessage()));
        } catch (SecretFiles.TooLargeException e) {
            throw new TokenException(new Failure.NotConfigured("the credential file " + file + " holds " + e.getMessage()
                    + "; it must hold one API credential"));
        } catch (IOException e) {
            throw new TokenException(new Failure.NotConfigured("cannot read the credential file " + file + " ("
                    + e.getClass().getSimpleName() + ")"));
        }
    }

    private static ApiCredential parse(String text, String origin) {
        try {
            return new ApiCredential(text);
        } catch (IllegalArgumentException e) {
            throw new TokenException(new Failure.NotConfigured("the API credential from " + origin + " is not usable: " + e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "ConfiguredCredentials";
    }
}
