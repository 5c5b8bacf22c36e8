package dev.cnptoken.domain.port;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import java.util.Optional;

/**
 * Where the engine finds an account's API credential when it has to log in (first use, a rejected
 * refresh token, a refresh token near the end of its life). Implementations read it from a file,
 * the environment or a secret manager; a credential kept in the store's own state is used when this
 * source has none. Thread-safe. {@link dev.cnptoken.domain.credentials.CredentialSources} makes the
 * usual ones (a file, a directory of per-account files, environment variables, a chain).
 *
 * <p>The engine asks only when it is about to log in, and treats whatever this throws as a failed
 * refresh (an event, a backoff, the stored tokens kept): a {@code TokenException} as it is, any
 * other {@code RuntimeException} (or a null answer) as {@code NotConfigured}, without its message.
 */
@FunctionalInterface
public interface CredentialSource {

    /** A source that never has a credential. */
    static CredentialSource none() {
        return account -> Optional.empty();
    }

    /**
     * @return the credential for {@code account}, or empty when this source has none
     * @throws dev.cnptoken.domain.TokenException with {@code NotConfigured} when a configured source
     *     cannot be read
     */
    Optional<ApiCredential> credential(AccountId account);
}
