package dev.cnptoken.adapters.store.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Keys and file helpers shared by the tests. */
final class TestFiles {
    private TestFiles() {}

    /** A fresh random key in the documented encoding. */
    static String newKeyBase64() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** Writes {@code base64} plus a newline to {@code file}, mode 0600. */
    static Path writeKeyFile(Path file, String base64) throws IOException {
        Files.writeString(file, base64 + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
