package dev.cnptoken.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the text of a secret is read, wherever it comes from (a credential file or variable, a
 * password, token or key file): at most {@value #MAX_BYTES} bytes of UTF-8, surrounding white space
 * and leading byte order marks dropped (editors on Windows write one; {@code echo} adds a newline).
 * Whether a file may be read at all is {@link SecretFileRule}'s call. Thread-safe.
 */
public final class SecretText {
    /** The most a secret file may hold; a bigger file is not a secret but a mistake. */
    public static final int MAX_BYTES = 4096;

    private static final char BOM = '\uFEFF';

    private SecretText() {}

    /** A secret file larger than {@link #MAX_BYTES}; the message says so and shows nothing of it. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("more than " + MAX_BYTES + " bytes");
        }
    }

    /**
     * The secret {@code file} holds, {@link #clean cleaned}; the bytes read are zeroed after use.
     *
     * @throws TooLarge when it holds more than {@link #MAX_BYTES}
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
                throw new TooLarge();
            }
            return clean(new String(bytes, StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** {@code text} without surrounding white space and leading byte order marks. */
    public static String clean(String text) {
        String t = Objects.requireNonNull(text, "text == null").strip();
        while (!t.isEmpty() && t.charAt(0) == BOM) {
            t = t.substring(1).strip();
        }
        return t;
    }
}
