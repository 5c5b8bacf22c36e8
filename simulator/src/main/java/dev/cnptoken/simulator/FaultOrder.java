package dev.cnptoken.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One fault order of the admin API ({@code POST /_sim/faults}), read from its JSON object: which
 * endpoint, which {@link FortiCnpFault}, for how many calls. Immutable.
 *
 * <p>The JSON is flat: {@code {"endpoint":"refresh","times":2,"type":"empty-body","status":503,
 * "retryAfter":"1"}}. {@code type} names a {@link FortiCnpFault} factory in kebab case and takes that
 * factory's arguments as fields; {@code retryAfter} and {@code delayMillis} go with any type. A field
 * the type does not take is refused, so a typo is an error and not a silently different fault.
 *
 * @param endpoint the endpoint whose next calls misbehave
 * @param fault the misbehaviour
 * @param times how many calls in a row
 */
record FaultOrder(Endpoint endpoint, FortiCnpFault fault, int times) {
    /** The most calls one order may cover. */
    static final int MAX_TIMES = 10_000;
    private static final Set<String> COMMON = Set.of("endpoint", "times", "type", "retryAfter", "delayMillis");
    /** The fields each type takes besides the common ones. */
    private static final Map<String, Set<String>> TYPES = Map.ofEntries(
            Map.entry("answer", Set.of("status", "contentType", "body")),
            Map.entry("oauth-error", Set.of("status", "error", "description")),
            Map.entry("html-error-page", Set.of("status")),
            Map.entry("empty-body", Set.of("status")),
            Map.entry("delay", Set.of()),
            Map.entry("malformed-json", Set.of()),
            Map.entry("missing-field", Set.of("field")),
            Map.entry("expires", Set.of("form")),
            Map.entry("unknown-fields", Set.of()),
            Map.entry("close-mid-response", Set.of()),
            Map.entry("trickle", Set.of()),
            Map.entry("oversized-body", Set.of("bytes")));

    FaultOrder {
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(fault, "fault == null");
        if (times < 1 || times > MAX_TIMES) {
            throw new IllegalArgumentException("times must be 1.." + MAX_TIMES);
        }
    }

    /** The fault types the admin API knows, sorted. */
    static List<String> types() {
        return TYPES.keySet().stream().sorted().toList();
    }

    /**
     * Reads an order.
     *
     * @throws IllegalArgumentException naming the field that is missing, unknown or invalid
     */
    static FaultOrder read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String type = text(json, "type", true);
        Set<String> own = TYPES.get(type);
        if (own == null) {
            throw new IllegalArgumentException("type must be one of " + types());
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!COMMON.contains(name) && !own.contains(name)) {
                throw new IllegalArgumentException("field " + Wire.printable(name) + " is not taken by type " + type);
            }
        }
        Endpoint endpoint = endpoint(text(json, "endpoint", true));
        int times = json.has("times") ? integer(json, "times", 1, MAX_TIMES) : 1;
        FortiCnpFault fault = switch (type) {
            case "answer" -> FortiCnpFault.answer(status(json),
                    json.has("contentType") ? text(json, "contentType", true) : null,
                    json.has("body") ? text(json, "body", false) : "");
            case "oauth-error" -> FortiCnpFault.oauthError(status(json), text(json, "error", true),
                    json.has("description") ? text(json, "description", false) : "injected by the simulator");
            case "html-error-page" -> FortiCnpFault.htmlErrorPage(status(json));
            case "empty-body" -> FortiCnpFault.emptyBody(status(json));
            case "delay" -> {
                if (!json.has("delayMillis")) {
                    throw new IllegalArgumentException("delayMillis is missing");
                }
                yield FortiCnpFault.delay(Duration.ZERO);
            }
            case "malformed-json" -> FortiCnpFault.malformedJson();
            case "missing-field" -> FortiCnpFault.missingField(text(json, "field", true));
            case "expires" -> FortiCnpFault.expires(expiresForm(text(json, "form", true)));
            case "unknown-fields" -> FortiCnpFault.unknownFields();
            case "close-mid-response" -> FortiCnpFault.closeMidResponse();
            case "trickle" -> FortiCnpFault.trickle();
            case "oversized-body" -> FortiCnpFault.oversizedBody(integer(json, "bytes", 1, 64 * 1024 * 1024));
            default -> throw new IllegalStateException("type without a factory: " + type);
        };
        if (json.has("delayMillis")) {
            fault = fault.withDelay(Duration.ofMillis(integer(json, "delayMillis", 0, 600_000)));
        }
        if (json.has("retryAfter")) {
            JsonNode v = json.get("retryAfter");
            if (!v.isTextual() && !v.isIntegralNumber()) {
                throw new IllegalArgumentException("retryAfter must be a string or an integer");
            }
            String value = v.asText();
            if (value.isBlank() || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("retryAfter must be printable ASCII");
            }
            fault = fault.withRetryAfter(value);
        }
        return new FaultOrder(endpoint, fault, times);
    }

    /** An endpoint by its enum name, case-insensitive, with {@code -} for {@code _} allowed. */
    static Endpoint endpoint(String name) {
        String wanted = name.strip().replace('-', '_').toUpperCase(Locale.ROOT);
        for (Endpoint e : Endpoint.values()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> known = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            known.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException("endpoint must be one of " + known);
    }

    private static FortiCnpFault.ExpiresForm expiresForm(String name) {
        String wanted = name.strip().replace('-', '_').toUpperCase(Locale.ROOT);
        for (FortiCnpFault.ExpiresForm f : FortiCnpFault.ExpiresForm.values()) {
            if (f.name().equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("form must be one of " + List.of(FortiCnpFault.ExpiresForm.values()));
    }

    private static int status(JsonNode json) {
        return integer(json, "status", 100, 599);
    }

    private static String text(JsonNode json, String name, boolean nonEmpty) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (!v.isTextual() || (nonEmpty && v.asText().isBlank())) {
            throw new IllegalArgumentException(name + " must be a" + (nonEmpty ? " non-empty" : "") + " string");
        }
        return v.asText();
    }

    private static int integer(JsonNode json, String name, int min, int max) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max);
        }
        return v.intValue();
    }
}
