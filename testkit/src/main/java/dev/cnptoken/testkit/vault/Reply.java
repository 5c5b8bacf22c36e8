package dev.cnptoken.testkit.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP answer of the emulator: a status and a JSON body ({@code null} for 204).
 *
 * @param status the HTTP status
 * @param body a value {@link VaultJson#write} can render, or null for no body
 */
record Reply(int status, Object body) {

    static Reply noContent() {
        return new Reply(204, null);
    }

    /** Vault's error shape: {@code {"errors": [...]}}. */
    static Reply error(int status, String... messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errors", List.of(messages));
        return new Reply(status, body);
    }

    static Reply permissionDenied() {
        return error(403, "1 error occurred:\n\t* permission denied\n\n");
    }

    static Reply sealed() {
        return error(503, "Vault is sealed");
    }
}
