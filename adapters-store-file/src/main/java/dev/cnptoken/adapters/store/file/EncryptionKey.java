package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key for the files at rest: 32 bytes written in standard base64 (44 characters with
 * padding), read from a file or an environment variable. Its {@link #id()} (the first 4 bytes of
 * the SHA-256 of the raw key, in hex) is stored in the clear in every encrypted file, so a wrong key
 * is told apart from a damaged file; it does not help to guess the key.
 */
final class EncryptionKey {
    static final int LENGTH = 32;
    private static final int MAX_FILE_BYTES = 1024;
    private static final System.Logger LOG = System.getLogger(FileTokenStore.class.getName());

    private final SecretKeySpec spec;
    private final byte[] id;

    private EncryptionKey(byte[] raw) {
        this.spec = new SecretKeySpec(raw, "AES");
        this.id = Arrays.copyOf(sha256(raw), 4);
    }

    SecretKeySpec spec() {
        return spec;
    }

    /** The 4-byte key id stored in each encrypted file's header. */
    byte[] idBytes() {
        return id.clone();
    }

    /** The key id in hex, safe to print. */
    String id() {
        return HexFormat.of().formatHex(id);
    }

    /**
     * Reads the key from a file, under {@link SecretFileRule#secretFile}: refused when group or others
     * can write it, a warning when they can read it.
     *
     * @throws TokenException {@code NotConfigured} when the file is missing, malformed or writable by
     *     group or others; a {@code StoreFailure} when it cannot be read
     */
    static EncryptionKey fromFile(Path file) {
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
            throw FileFailures.map("read the permissions of", file, e);
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
            throw FileFailures.map("read", file, e);
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
     * @throws TokenException {@code NotConfigured} when the variable is unset or malformed
     */
    static EncryptionKey fromEnvironment(String variable, Function<String, String> environment) {
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
    static EncryptionKey fromText(String text, String origin) {
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
