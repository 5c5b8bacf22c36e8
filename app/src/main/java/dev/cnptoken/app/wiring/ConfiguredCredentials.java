package dev.cnptoken.app.wiring;

import dev.cnptoken.app.config.CredentialsConfig;
import dev.cnptoken.app.config.Secret;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.credentials.CredentialSources;
import dev.cnptoken.domain.port.CredentialSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds an account's API credential, in this order: the environment variable {@code
 * CNP_CREDENTIAL_<ACCOUNT>} (account upper-cased, other characters than letters and digits as
 * {@code _}); the file {@code <credential_dir>/<account>}; {@code CNP_CREDENTIAL}; the file named by
 * {@code credential_file}. When none has one, the engine falls back to a credential kept in the
 * store. Files are read on every use (a leading byte order mark and surrounding white space
 * dropped, at most {@link dev.cnptoken.domain.SecretText#MAX_BYTES}), so a renewed credential is picked up without a
 * restart; a file group or others can write is refused, one they can read is used with a warning.
 * The chain is made of {@link CredentialSources}, the same sources library users get.
 */
public final class ConfiguredCredentials implements CredentialSource {
    /** The prefix of the per-account variables. */
    private static final String ENV_PREFIX = "CNP_CREDENTIAL_";

    /** The sources in the documented order; the ones not configured answer empty. */
    private final CredentialSource chain;

    /**
     * @param config where the credentials are configured
     * @param environment looks up an environment variable (empty when unset or empty)
     */
    public ConfiguredCredentials(CredentialsConfig config, Function<String, Optional<String>> environment) {
        Objects.requireNonNull(config, "config == null");
        Objects.requireNonNull(environment, "environment == null");
        CredentialSource none = CredentialSource.none();
        this.chain = CredentialSources.firstOf(
                CredentialSources.fromEnvironment(ENV_PREFIX, environment),
                config.directory().map(CredentialSources::fromDirectory).orElse(none),
                config.shared().map(ConfiguredCredentials::everyAccount).orElse(none),
                config.file().map(CredentialSources::fromFile).orElse(none));
    }

    /** The per-account environment variable's name. */
    public static String envName(AccountId account) {
        return CredentialSources.variableName(ENV_PREFIX, account);
    }

    @Override
    public Optional<ApiCredential> credential(AccountId account) {
        return chain.credential(account);
    }

    /** The one credential for every account ({@code CNP_CREDENTIAL}), checked at each use as the others are. */
    private static CredentialSource everyAccount(Secret shared) {
        return account -> {
            try {
                return Optional.of(new ApiCredential(shared.value()));
            } catch (IllegalArgumentException e) {
                throw new TokenException(new Failure.NotConfigured("the API credential from " + shared.origin()
                        + " is not usable: " + e.getMessage()));
            }
        };
    }

    @Override
    public String toString() {
        return "ConfiguredCredentials";
    }
}
