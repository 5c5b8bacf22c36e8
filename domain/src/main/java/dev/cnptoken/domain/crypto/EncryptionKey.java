package dev.cnptoken.domain.crypto;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key for data at rest: 32 bytes written in standard base64 (44 characters with padding),
 * read from a file only its owner may read, an environment variable, or text the caller has read.
 * Its {@link #id()} (the first 4 bytes of the SHA-256 of the raw key, in hex) may be stored in the
 * clear beside what it encrypts, so a wrong key is told apart from damaged data; it does not help to
 * guess the key. The key itself is never printed: {@link #toString()} shows the id only.
 */
public final class EncryptionKey {
    /** The length of an AES-256 key in bytes. */
    public static final int LENGTH = 32;

    private static final int ID_LENGTH = 4;
    private static final int MAX_FILE_BYTES = 1024;
    private static final System.Logger LOG = System.getLogger(EncryptionKey.class.getName());

    private final SecretKeySpec spec; // the raw key, for SecretCipher only
    private final byte[] id; // first 4 bytes of SHA-256(raw key)

    private EncryptionKey(byte[] raw) {
        this.spec = new SecretKeySpec(raw, "AES");
        this.id = Arrays.copyOf(sha256(raw), ID_LENGTH);
    }

    /** The key as the JDK's cipher takes it; stays in this package. */
    SecretKeySpec spec() {
        return spec;
    }

    /** The 4-byte key id. */
    public byte[] idBytes() {
        return id.clone();
    }

    /** The key id in lower-case hex (8 characters), safe to print and to store. */
    public String id() {
        return HexFormat.of().formatHex(id);
    }

    /**
     * Reads the key from a file, under {@link SecretFileRule#secretFile}: refused when group or others
     * can write it, a warning when they can read it.
     *
     * @throws TokenException {@code NotConfigured} when the file is missing, malformed or writable by
     *     group or others; a {@code StoreFailure} when it cannot be read
     */
    public static EncryptionKey fromFile(Path file) {
        Objects.requireNonNull(file, "file == null");
        String source = "encryption key file " + file;
        if (!Files.isRegularFile(file)) {
            throw notConfigured(source + " does not exist or is not a regular file");
        }
        SecretFileRule.Verdict verdict;
        try {
            verdict = SecretFileRule.secretFile(file, "encryption key file");
        } catch (NoSuchFileException e) {
            throw notConfigured(source + " does not exist");
        } catch (IOException e) {
            throw unreadable("read the permissions of", file, e);
        }
        if (verdict.refused()) {
            throw notConfigured(verdict.message());
        }
        if (verdict.level() == SecretFileRule.Level.WARN) {
            LOG.log(System.Logger.Level.WARNING, verdict.message());
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw notConfigured(source + " is larger than " + MAX_FILE_BYTES
                        + " bytes; it must hold one base64 line of 32 bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw notConfigured(source + " does not exist");
        } catch (IOException e) {
            throw unreadable("read", file, e);
        }
        try {
            return decode(new String(bytes, StandardCharsets.US_ASCII), source);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Reads the key from an environment variable.
     *
     * @param environment looks a variable up, e.g. {@code System::getenv}
     * @throws TokenException {@code NotConfigured} when the variable is unset or malformed
     */
    public static EncryptionKey fromEnvironment(String variable, Function<String, String> environment) {
        Objects.requireNonNull(variable, "variable == null");
        Objects.requireNonNull(environment, "environment == null");
        String source = "environment variable " + variable;
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw notConfigured(source + " is not set");
        }
        return decode(value, source);
    }

    /**
     * Decodes a key the caller has read; {@code origin} names where from in messages.
     *
     * @throws TokenException {@code NotConfigured} when the text is blank or malformed
     */
    public static EncryptionKey fromText(String text, String origin) {
        Objects.requireNonNull(text, "text == null");
        Objects.requireNonNull(origin, "origin == null");
        String source = "encryption key from " + origin;
        if (text.isBlank()) {
            throw notConfigured(source + " is empty");
        }
        return decode(text, source);
    }

    private static EncryptionKey decode(String text, String source) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            // the decoder's message may quote a character of the key: not passed on
            throw notConfigured(source + " is not standard base64; it must hold 32 random bytes in base64"
                    + " (e.g. the output of: openssl rand -base64 32)");
        }
        try {
            if (raw.length != LENGTH) {
                throw notConfigured(source + " decodes to " + raw.length + " bytes; AES-256 needs exactly " + LENGTH);
            }
            return new EncryptionKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static TokenException notConfigured(String detail) {
        return new TokenException(new Failure.NotConfigured(detail));
    }

    /** An I/O failure reading the key file: a store failure, as for the stored data itself. */
    private static TokenException unreadable(String operation, Path file, IOException e) {
        String reason;
        Reason kind = Reason.UNAVAILABLE;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else {
            reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("permission denied") || lower.contains("operation not permitted")) {
            kind = Reason.PERMISSION_DENIED;
        }
        return new TokenException(new Failure.StoreFailure(kind, "cannot " + operation + " " + file + ": " + reason), e);
    }

    private static byte[] sha256(byte[] raw) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "EncryptionKey[id=" + id() + "]";
    }
}
