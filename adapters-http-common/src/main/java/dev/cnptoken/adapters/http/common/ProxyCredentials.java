package dev.cnptoken.adapters.http.common;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The user name and password for an HTTP proxy's Basic authentication (RFC 7617), and the {@code
 * Proxy-Authorization} value made from them. Immutable; {@link #toString()} shows the user name's
 * length at most, never the password.
 */
public final class ProxyCredentials {
    private final String username;
    private final char[] password;

    ProxyCredentials(String username, char[] password) {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(password, "password == null");
        if (username.isBlank() || username.indexOf(':') >= 0 || username.chars().anyMatch(Character::isISOControl)) {
            // never quote it: a user name pasted into the wrong field may be a password
            throw new IllegalArgumentException("proxy user name must be non-blank, without ':' or control characters");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("proxy password must not contain control characters");
            }
        }
        this.username = username;
        this.password = password.clone();
    }

    /** The {@code Proxy-Authorization} header value: {@code Basic base64(user ":" password)}, UTF-8. */
    public String basicHeaderValue() {
        CharBuffer chars = CharBuffer.allocate(username.length() + 1 + password.length);
        chars.put(username).put(':').put(password).flip();
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(chars);
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        try {
            return "Basic " + Base64.getEncoder().encodeToString(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(chars.array(), '\0');
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "ProxyCredentials[redacted]";
    }
}
