package dev.cnptoken.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnptoken.domain.AccessToken;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Answers the simulator's data calls, the resource map and the finding list, for a live bearer token
 * and (for the finding list) the request context the resource map names. Immutable and thread-safe.
 *
 * <p>Checks in the order a real API applies them: no live access token is 401 {@code invalid_token};
 * a missing or wrong {@code companyId} / {@code roleId} header is 403 {@code forbidden}; a body that is
 * not a JSON object with sane {@code skip} / {@code limit} is 400 {@code invalid_request}.
 */
final class DataEndpoints {
    /** How many synthetic findings each company has. */
    static final int FINDINGS_PER_COMPANY = 5;
    /** The largest {@code limit} the finding list accepts. */
    static final int MAX_LIMIT = 1000;
    /** The {@code limit} when the body names none. */
    static final int DEFAULT_LIMIT = 20;
    private static final String JSON_MEDIA_TYPE = "application/json";
    private static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");

    /**
     * One company of the simulated API user.
     *
     * @param id the {@code companyId}
     * @param name the {@code companyName}
     */
    record Company(long id, String name) {
        Company {
            Objects.requireNonNull(name, "name == null");
            if (id < 0) {
                throw new IllegalArgumentException("company id must not be negative, got " + id);
            }
        }
    }

    /** Whether an access token was issued, is not revoked and has not expired. */
    private final Predicate<AccessToken> live;
    /** Counts a successful answer of an endpoint (the simulator's grant counter). */
    private final Consumer<FortiCnpSimulator.Endpoint> granted;
    /** The simulator's base URL, the {@code resourceURL} of the map (known once the server is up). */
    private final Supplier<URI> baseUrl;
    private final List<Company> companies;
    private final long roleId;
    private final String username;

    DataEndpoints(Predicate<AccessToken> live, Consumer<FortiCnpSimulator.Endpoint> granted,
            Supplier<URI> baseUrl, List<Company> companies, long roleId, String username) {
        this.live = Objects.requireNonNull(live, "live == null");
        this.granted = Objects.requireNonNull(granted, "granted == null");
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null");
        this.companies = List.copyOf(companies);
        if (this.companies.isEmpty()) {
            throw new IllegalArgumentException("at least one company is needed");
        }
        this.roleId = roleId;
        this.username = Objects.requireNonNull(username, "username == null");
    }

    /** {@code GET /api/v1/resourceURLMap}: the documented array, for a live bearer token. */
    Reply resourceMap(EndpointHandler.Call call) {
        Optional<Reply> unauthorized = checkBearer(call);
        if (unauthorized.isPresent()) {
            return unauthorized.get();
        }
        ArrayNode map = Wire.MAPPER.createArrayNode();
        ObjectNode entry = map.addObject()
                .put("resourceURL", baseUrl.get().toString())
                .put("roleId", roleId)
                .put("username", username);
        ArrayNode set = entry.putArray("companyMapSet");
        companies.forEach(c -> set.addObject().put("companyId", c.id()).put("companyName", c.name()));
        granted.accept(FortiCnpSimulator.Endpoint.RESOURCE_URL_MAP);
        return Reply.json(200, map);
    }

    /**
     * {@code POST /api/v2/finding/list}: a page of the company's synthetic findings, for a live bearer
     * token and the {@code companyId} and {@code roleId} headers of the resource map.
     */
    Reply findingList(EndpointHandler.Call call) {
        Optional<Reply> unauthorized = checkBearer(call);
        if (unauthorized.isPresent()) {
            return unauthorized.get();
        }
        OptionalLong companyId = number(call.header("companyId"));
        if (companyId.isEmpty()) {
            return forbidden("the companyId header is missing or not a number");
        }
        Optional<Company> company = companies.stream().filter(c -> c.id() == companyId.getAsLong()).findFirst();
        if (company.isEmpty()) {
            return forbidden("the companyId header names no company of this user");
        }
        OptionalLong role = number(call.header("roleId"));
        if (role.isEmpty() || role.getAsLong() != roleId) {
            return forbidden("the roleId header is missing or not this user's role");
        }
        String type = call.header("Content-Type").orElse("").split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(JSON_MEDIA_TYPE)) {
            return Reply.oauthError(415, "invalid_request", "Content-Type must be " + JSON_MEDIA_TYPE);
        }
        JsonNode body;
        try {
            body = call.body().isBlank() ? Wire.MAPPER.createObjectNode() : Wire.MAPPER.readTree(call.body());
        } catch (JsonProcessingException e) {
            return Reply.oauthError(400, "invalid_request", "the body is not JSON");
        }
        if (body == null || !body.isObject()) {
            return Reply.oauthError(400, "invalid_request", "the body must be a JSON object");
        }
        Optional<Integer> skip = paging(body, "skip", 0, Integer.MAX_VALUE, 0);
        Optional<Integer> limit = paging(body, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        if (skip.isEmpty()) {
            return Reply.oauthError(400, "invalid_request", "skip must be an integer of at least 0");
        }
        if (limit.isEmpty()) {
            return Reply.oauthError(400, "invalid_request", "limit must be an integer from 1 to " + MAX_LIMIT);
        }
        ObjectNode page = Wire.MAPPER.createObjectNode()
                .put("total", FINDINGS_PER_COMPANY)
                .put("skip", skip.get())
                .put("limit", limit.get());
        ArrayNode data = page.putArray("data");
        int end = (int) Math.min(FINDINGS_PER_COMPANY, (long) skip.get() + limit.get());
        for (int i = skip.get(); i < end; i++) {
            data.addObject()
                    .put("id", "finding-" + company.get().id() + "-" + (i + 1))
                    .put("companyId", company.get().id())
                    .put("severity", SEVERITIES.get(i % SEVERITIES.size()))
                    .put("status", "open")
                    .put("title", "Simulated finding " + (i + 1) + " of " + company.get().name());
        }
        granted.accept(FortiCnpSimulator.Endpoint.FINDING_LIST);
        return Reply.json(200, page);
    }

    /** The 401 answer when the call carries no live bearer token, if it does not. */
    private Optional<Reply> checkBearer(EndpointHandler.Call call) {
        Optional<String> auth = call.header("Authorization");
        if (auth.isPresent() && auth.get().startsWith("Bearer ")) {
            String token = auth.get().substring("Bearer ".length()).strip();
            if (!token.isEmpty() && live.test(new AccessToken(token))) {
                return Optional.empty();
            }
        }
        return Optional.of(Reply.oauthError(401, "invalid_token", "the access token is missing, unknown, revoked or expired")
                .with("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    private static Reply forbidden(String why) {
        return Reply.oauthError(403, "forbidden", why);
    }

    private static OptionalLong number(Optional<String> header) {
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The paging field as an int in {@code min..max}, {@code absent} when missing; empty when invalid. */
    private static Optional<Integer> paging(JsonNode body, String name, int min, int max, int absent) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return Optional.of(absent);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            return Optional.empty();
        }
        return Optional.of(v.intValue());
    }

    @Override
    public String toString() {
        return "DataEndpoints[" + companies.size() + " companies, role " + roleId + "]";
    }
}
