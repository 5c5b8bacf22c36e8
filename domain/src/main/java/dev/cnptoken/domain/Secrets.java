package dev.cnptoken.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** Shared checks and the redacted rendering of secret values. */
final class Secrets {
    private Secrets() {}

    /** Validates a secret: not null, not blank, no control characters (which could smuggle headers). */
    static String require(String value, String what) {
        Objects.requireNonNull(value, what + " == null");
        if (value.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw new IllegalArgumentException(what + " is blank");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.getType(c) == Character.CONTROL) {
                throw new IllegalArgumentException(what + " contains a control character at index " + i);
            }
        }
        return value;
    }

    /** The first 8 hex digits of the SHA-256 of {@code value}: a stable, non-reversible tag. */
    static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String redacted(String type, String value) {
        return type + "[redacted sha256:" + fingerprint(value) + "]";
    }
}
