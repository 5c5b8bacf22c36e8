package dev.cnptoken.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The simulator's encodings: JSON through Jackson, and form bodies. Stateless. */
final class Wire {
    /** Writes every JSON body; thread-safe once configured, and never reconfigured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Wire() {}

    /** {@code tree} as JSON bytes (UTF-8). */
    static byte[] json(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON body", e);
        }
    }

    /** The RFC 6749 error body: {@code {"error":..., "error_description":...}}. */
    static ObjectNode oauthErrorBody(String error, String description) {
        return MAPPER.createObjectNode().put("error", error).put("error_description", description);
    }

    /** {@code expires} as FortiCNP writes it: epoch milliseconds in exponent form, 1.585002361532E12. */
    static String exponentForm(long millis) {
        return Double.toString((double) millis);
    }

    /**
     * The fields of a form body, decoded, in order; a repeated name keeps every value.
     *
     * @throws IllegalArgumentException if a percent escape is broken
     */
    static Map<String, List<String>> parseForm(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        form.replaceAll((k, v) -> List.copyOf(v));
        return form;
    }

    /** At most 40 characters of {@code s}, anything but printable ASCII as {@code ?}: safe to echo in an error. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
