package dev.cnptoken.app.config;

import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.SecretText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a file that holds one secret (a credential, a token, a password) as {@link SecretText} reads
 * every secret (at most {@link SecretText#MAX_BYTES} of UTF-8, a leading byte order mark and surrounding white
 * space dropped), under {@link SecretFileRule}'s rule: refused when group or others can write it, a warning (once per
 * file) when they can read it.
 */
public final class SecretFiles {
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.config");

    /** Files already warned about: one warning per file and run. */
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    private SecretFiles() {}

    /** A secret file group or others can write; the message names it, its mode and the fix. */
    public static final class UnsafeFileException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeFileException(String message) {
            super(message);
        }
    }

    /**
     * The secret in {@code file}, possibly empty, after {@link #check} has passed it.
     *
     * @param what names the file in messages, e.g. {@code "credential file"}
     * @throws UnsafeFileException when group or others can write the file
     * @throws SecretText.TooLarge when the file holds more than {@link SecretText#MAX_BYTES}
     * @throws IOException when it cannot be read
     */
    public static String read(Path file, String what) throws IOException {
        check(file, what);
        return SecretText.read(file);
    }

    /**
     * Applies the secret-file rule to {@code file}: refuses it when group or others can write it,
     * logs a warning (once per file) when they can read it.
     *
     * @throws UnsafeFileException when group or others can write it
     * @throws IOException when its attributes cannot be read
     */
    public static void check(Path file, String what) throws IOException {
        SecretFileRule.Verdict verdict = SecretFileRule.secretFile(file, what);
        switch (verdict.level()) {
            case REFUSE -> throw new UnsafeFileException(verdict.message());
            case WARN -> {
                if (WARNED.add(file.toAbsolutePath())) {
                    LOG.warn("{}", verdict.message());
                }
            }
            case OK -> WARNED.remove(file.toAbsolutePath());
        }
    }
}
