package dev.cnptoken.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.simulator.FortiCnpSimulator.AdminAccess;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's admin HTTP API under {@value #PREFIX}: JSON in and out, calling the simulator's
 * Java control methods (revoke, inject faults, read counters). Thread-safe; holds no state of its own.
 *
 * <p>Answers only clients on a loopback address unless the simulator was built with {@link
 * AdminAccess#ANY}; others get 403. Bodies hold secrets (tokens to revoke): they are never logged nor
 * echoed, and admin calls are neither counted nor kept in the request log.
 */
final class AdminApi implements HttpHandler {
    /** The path prefix of every admin call. */
    static final String PREFIX = "/_sim/";
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    private final FortiCnpSimulator sim;
    private final AdminAccess access;

    AdminApi(FortiCnpSimulator sim, AdminAccess access) {
        this.sim = Objects.requireNonNull(sim, "sim == null");
        this.access = Objects.requireNonNull(access, "access == null");
    }

    @Override
    public void handle(HttpExchange ex) {
        try (ex) {
            Reply reply;
            String path = ex.getRequestURI().getPath() == null ? "" : ex.getRequestURI().getPath();
            if (access != AdminAccess.ANY && !ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
                reply = error(403, "the admin API answers loopback clients only");
            } else {
                byte[] raw = ex.getRequestBody().readNBytes(FortiCnpSimulator.MAX_REQUEST_BYTES + 1);
                reply = raw.length > FortiCnpSimulator.MAX_REQUEST_BYTES
                        ? error(413, "request body too large")
                        : answer(ex.getRequestMethod(), path, new String(raw, StandardCharsets.UTF_8));
            }
            LOG.debug("admin {} {} -> {}", ex.getRequestMethod(), path, reply.status());
            reply.with("Cache-Control", "no-store").send(ex);
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin request ended early: {}", e.getClass().getSimpleName());
        }
    }

    private Reply answer(String method, String path, String body) {
        String route = path.substring(Math.min(path.length(), PREFIX.length()));
        route = route.endsWith("/") ? route.substring(0, route.length() - 1) : route;
        try {
            return switch (route) {
                case "counters" -> only("GET", method).orElseGet(this::counters);
                case "faults" -> switch (method) {
                    case "GET" -> faults();
                    case "POST" -> injectFault(json(body));
                    case "DELETE" -> clearFaults();
                    default -> notAllowed("GET, POST, DELETE");
                };
                case "revoke/access-token" -> only("POST", method).orElseGet(() ->
                        revoked(sim.revokeAccessToken(new AccessToken(secret(json(body), "token"))) ? 1 : 0));
                case "revoke/access-tokens" -> only("POST", method).orElseGet(() -> revoked(sim.revokeAllAccessTokens()));
                case "revoke/refresh-token" -> only("POST", method).orElseGet(() ->
                        revoked(sim.revokeRefreshToken(new RefreshToken(secret(json(body), "token"))) ? 1 : 0));
                case "revoke/refresh-tokens" -> only("POST", method).orElseGet(() -> revoked(sim.revokeAllRefreshTokens()));
                case "revoke/credential" -> only("POST", method).orElseGet(() ->
                        revoked(sim.revokeCredential(new ApiCredential(secret(json(body), "credential"))) ? 1 : 0));
                case "revoke/credentials" -> only("POST", method).orElseGet(() -> revoked(sim.revokeAllCredentials()));
                default -> error(404, "no such admin call; see the simulator section of docs/http-transports.md");
            };
        } catch (IllegalArgumentException e) {
            // messages name fields and allowed values, never a value sent
            return error(400, e.getMessage());
        }
    }

    private Reply counters() {
        ObjectNode root = Wire.MAPPER.createObjectNode();
        ObjectNode endpoints = root.putObject("endpoints");
        for (Endpoint e : Endpoint.values()) {
            ObjectNode node = endpoints.putObject(e.name())
                    .put("method", e.method())
                    .put("path", e.path())
                    .put("requests", sim.requestCount(e))
                    .put("granted", sim.grantCount(e));
            ObjectNode byStatus = node.putObject("byStatus");
            sim.statusCounts(e).forEach((status, n) -> byStatus.put(Integer.toString(status), n));
        }
        return Reply.json(200, root);
    }

    private Reply faults() {
        ObjectNode root = Wire.MAPPER.createObjectNode();
        ObjectNode pending = root.putObject("pending");
        for (Endpoint e : Endpoint.values()) {
            pending.put(e.name(), sim.pendingFaults(e));
        }
        root.putPOJO("types", FaultOrder.types());
        return Reply.json(200, root);
    }

    private Reply injectFault(JsonNode json) {
        FaultOrder order = FaultOrder.read(json);
        sim.injectFault(order.endpoint(), order.fault(), order.times());
        ObjectNode root = Wire.MAPPER.createObjectNode()
                .put("endpoint", order.endpoint().name())
                .put("queued", order.times())
                .put("pending", sim.pendingFaults(order.endpoint()))
                .put("fault", order.fault().toString());
        return Reply.json(200, root);
    }

    private Reply clearFaults() {
        sim.clearFaults();
        return Reply.json(200, Wire.MAPPER.createObjectNode().put("cleared", true));
    }

    private static Reply revoked(int count) {
        return Reply.json(200, Wire.MAPPER.createObjectNode().put("revoked", count));
    }

    /** The one string field a revoke call takes; any other field is refused. */
    private static String secret(JsonNode json, String name) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with " + name);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            if (!Set.of(name).contains(names.next())) {
                throw new IllegalArgumentException("the body takes only the field " + name);
            }
        }
        JsonNode v = json.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(name + " must be a non-empty string");
        }
        return v.asText();
    }

    private static JsonNode json(String body) {
        if (body.isBlank()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        try {
            return Wire.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
    }

    private static Optional<Reply> only(String allowed, String method) {
        return method.equals(allowed) ? Optional.empty() : Optional.of(notAllowed(allowed));
    }

    private static Reply notAllowed(String allowed) {
        return error(405, "method not allowed").with("Allow", allowed);
    }

    private static Reply error(int status, String message) {
        return Reply.json(status, Map.of("error", message));
    }

    @Override
    public String toString() {
        return "AdminApi[" + access + "]";
    }
}
