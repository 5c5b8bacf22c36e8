package dev.cnptoken.app.config;

import dev.cnptoken.domain.credentials.CredentialSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a file that holds one secret (a credential, a token, a password): at most {@link
 * #MAX_BYTES} of UTF-8, with a leading byte order mark and surrounding white space dropped.
 */
public final class SecretFiles {
    /** The largest secret file read; a bigger file is not a secret but a mistake. */
    public static final int MAX_BYTES = CredentialSources.MAX_BYTES;

    private static final char BOM = '\uFEFF';

    private SecretFiles() {}

    /** A secret file larger than {@link #MAX_BYTES}; the message says so and shows nothing of it. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("more than " + MAX_BYTES + " bytes");
        }
    }

    /**
     * The secret in {@code file}, possibly empty.
     *
     * @throws TooLargeException when the file holds more than {@link #MAX_BYTES}
     * @throws IOException when it cannot be read
     */
    public static String read(Path file) throws IOException {
        Objects.requireNonNull(file, "file == null");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        try {
            if (bytes.length > MAX_BYTES) {
                throw new TooLargeException();
            }
            return clean(new String(bytes, StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** {@code text} without a leading byte order mark and surrounding white space. */
    public static String clean(String text) {
        String t = text.strip();
        while (!t.isEmpty() && t.charAt(0) == BOM) {
            t = t.substring(1).strip();
        }
        return t;
    }
}
