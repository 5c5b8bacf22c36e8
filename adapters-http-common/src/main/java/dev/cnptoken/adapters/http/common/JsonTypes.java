package dev.cnptoken.adapters.http.common;

import java.util.Map;

/** Names the JSON type of a decoded value for messages, without showing the value. */
final class JsonTypes {
    private JsonTypes() {}

    /** {@code "a boolean"}, {@code "an object"}, {@code "an array"}, {@code "a number"}, or the class. */
    static String describe(Object v) {
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof Iterable) {
            return "an array";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return "a " + v.getClass().getSimpleName();
    }
}
