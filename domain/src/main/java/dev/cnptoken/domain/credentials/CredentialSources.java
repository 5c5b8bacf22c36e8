package dev.cnptoken.domain.credentials;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.SecretText;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.CredentialSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes {@link CredentialSource}s that read the API credential at each use, from a file, a
 * directory of per-account files or environment variables, so a renewed credential is picked up
 * without a restart; and chains them with {@link #firstOf}.
 *
 * <p>Every source reads text the same way: at most {@link #MAX_BYTES} of UTF-8, a leading byte
 * order mark and surrounding white space dropped. A source that is configured but cannot be read
 * (a missing or oversized file, an unusable value) throws {@link TokenException} with {@link
 * Failure.NotConfigured}; its message names the file or variable, never the credential. The
 * sources are thread-safe and hold no credential between calls.
 *
 * <pre>{@code
 * CredentialSource credentials = CredentialSources.firstOf(
 *         CredentialSources.fromEnvironment("CNP_CREDENTIAL_"),          // CNP_CREDENTIAL_<ACCOUNT>
 *         CredentialSources.fromDirectory(Path.of("/run/secrets/forticnp"))); // <dir>/<account>
 * }</pre>
 */
public final class CredentialSources {
    private static final System.Logger LOG = System.getLogger(CredentialSources.class.getName());
    /** The files already warned about, so a file read at every use warns once. */
    private static final java.util.Set<Path> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The most a credential file may hold ({@link SecretText#MAX_BYTES}). */
    public static final int MAX_BYTES = SecretText.MAX_BYTES;

    private CredentialSources() {}

    /**
     * A source that gives every account the credential in {@code file}, read at each use.
     *
     * @throws NullPointerException when {@code file} is null
     */
    public static CredentialSource fromFile(Path file) {
        Objects.requireNonNull(file, "file == null");
        return named(account -> Optional.of(readFile(file)), "CredentialSources.fromFile(" + file + ")");
    }

    /**
     * A source that gives each account the credential in the file of its name in {@code directory}
     * ({@code <directory>/<account>}), read at each use; empty for an account that has no regular
     * file there. A name that would lead out of the directory is refused with {@code NotConfigured}
     * (account names cannot hold a path separator, so this is a second guard).
     *
     * @throws NullPointerException when {@code directory} is null
     */
    public static CredentialSource fromDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory == null");
        Path base = directory.toAbsolutePath().normalize();
        return named(account -> {
            Path file = directory.resolve(account.name());
            if (!base.equals(file.toAbsolutePath().normalize().getParent())) {
                throw new TokenException(new Failure.NotConfigured("the account name " + account
                        + " does not name a file directly inside the credential directory " + directory));
            }
            return Files.isRegularFile(file) ? Optional.of(readFile(file)) : Optional.empty();
        }, "CredentialSources.fromDirectory(" + directory + ")");
    }

    /**
     * A source that gives each account the credential in the environment variable {@link
     * #variableName prefix + ACCOUNT}; empty for an account whose variable is unset or empty.
     *
     * @param prefix e.g. {@code "CNP_CREDENTIAL_"} for {@code CNP_CREDENTIAL_ACME}
     * @throws NullPointerException when {@code prefix} is null
     */
    public static CredentialSource fromEnvironment(String prefix) {
        return fromEnvironment(prefix, name -> Optional.ofNullable(System.getenv(name)));
    }

    /**
     * As {@link #fromEnvironment(String)}, with the variables looked up by {@code environment}
     * (for tests, or another source of variables).
     *
     * @param environment the value of a variable, or empty when it is unset; an empty value counts as unset
     * @throws NullPointerException when an argument is null
     */
    public static CredentialSource fromEnvironment(String prefix, Function<String, Optional<String>> environment) {
        Objects.requireNonNull(prefix, "prefix == null");
        Objects.requireNonNull(environment, "environment == null");
        return named(account -> {
            String name = variableName(prefix, account);
            Optional<String> value = environment.apply(name);
            return value == null ? Optional.empty() : value.filter(v -> !v.isEmpty()).map(v -> parse(SecretText.clean(v), name));
        }, "CredentialSources.fromEnvironment(" + prefix + ")");
    }

    /**
     * The variable {@link #fromEnvironment} reads for {@code account}: {@code prefix} and the
     * account name upper-cased, every character other than a letter or digit as {@code _}
     * ({@code "CNP_CREDENTIAL_"} and {@code eu-prod.1} give {@code CNP_CREDENTIAL_EU_PROD_1}).
     */
    public static String variableName(String prefix, AccountId account) {
        Objects.requireNonNull(prefix, "prefix == null");
        Objects.requireNonNull(account, "account == null");
        return prefix + account.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * A source that asks {@code sources} in order and answers with the first credential found;
     * empty when none has one. A source that throws stops the search: a configured source that
     * cannot be read is a fault to fix, not a reason to use another credential.
     *
     * @throws NullPointerException when the array or one of its elements is null
     */
    public static CredentialSource firstOf(CredentialSource... sources) {
        List<CredentialSource> chain = List.of(Objects.requireNonNull(sources, "sources == null"));
        return named(account -> {
            for (CredentialSource source : chain) {
                Optional<ApiCredential> found = source.credential(account);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }, "CredentialSources.firstOf" + chain);
    }

    /**
     * The credential in {@code file}: at most {@link #MAX_BYTES} of UTF-8, a leading byte order mark
     * and surrounding white space dropped.
     *
     * @throws TokenException {@code NotConfigured} when the file cannot be read, is too large or
     *     holds no usable credential; the message names the file, never its content
     */
    public static ApiCredential readFile(Path file) {
        Objects.requireNonNull(file, "file == null");
        checkMode(file);
        String text;
        try {
            text = SecretText.read(file);
        } catch (SecretText.TooLarge e) {
            throw new TokenException(new Failure.NotConfigured("the credential file " + file + " holds more than "
                    + MAX_BYTES + " bytes; it must hold one API credential"));
        } catch (IOException e) {
            throw new TokenException(new Failure.NotConfigured("cannot read the credential file " + file + " ("
                    + e.getClass().getSimpleName() + ")"));
        }
        return parse(text, file.toString());
    }

    /**
     * Applies the one rule for secret files ({@link SecretFileRule#secretFile}): refused when group or
     * others can write it, a warning (once per file) when they can read it.
     */
    private static void checkMode(Path file) {
        SecretFileRule.Verdict verdict;
        try {
            verdict = SecretFileRule.secretFile(file, "credential file");
        } catch (IOException e) {
            throw new TokenException(new Failure.NotConfigured("cannot read the credential file " + file + " ("
                    + e.getClass().getSimpleName() + ")"));
        }
        if (verdict.refused()) {
            throw new TokenException(new Failure.NotConfigured(verdict.message()));
        }
        if (verdict.level() == SecretFileRule.Level.WARN && WARNED.add(file.toAbsolutePath().normalize())) {
            LOG.log(System.Logger.Level.WARNING, verdict.message());
        }
    }

    /** {@code text} as an API credential; {@code NotConfigured} naming {@code origin} when it is not usable. */
    private static ApiCredential parse(String text, String origin) {
        try {
            return new ApiCredential(text);
        } catch (IllegalArgumentException e) {
            throw new TokenException(new Failure.NotConfigured("the API credential from " + origin + " is not usable: "
                    + e.getMessage()));
        }
    }

    /** A source whose {@code toString()} says what it reads (never what it read). */
    private static CredentialSource named(CredentialSource source, String description) {
        return new CredentialSource() {
            @Override
            public Optional<ApiCredential> credential(AccountId account) {
                Objects.requireNonNull(account, "account == null");
                return source.credential(account);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
