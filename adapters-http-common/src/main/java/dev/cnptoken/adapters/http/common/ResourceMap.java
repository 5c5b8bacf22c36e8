package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads the answer of {@code GET /api/v1/resourceURLMap} and chooses the request context from it:
 * the company (by id, by name, or the only one there is) and the role of the entry that lists it.
 * Every refusal is a {@link TokenException}; messages name ids, never the body.
 */
final class ResourceMap {
    private ResourceMap() {}

    /**
     * The context chosen from {@code body}.
     *
     * @param companyId the company wanted, if one was configured by id
     * @param companyName the company wanted, if one was configured by name
     * @throws TokenException {@link Failure.Malformed} for a body that is not a resource map, {@link
     *     Failure.NotConfigured} when the wanted company is not there, or when there are several and
     *     none was chosen
     */
    static FortiCnpRequestContext.Context choose(byte[] body, OptionalLong companyId, Optional<String> companyName) {
        List<Company> companies = companies(body);
        List<Company> matching;
        if (companyId.isPresent()) {
            matching = companies.stream().filter(c -> c.id == companyId.getAsLong()).toList();
            if (matching.isEmpty()) {
                throw notConfigured("the resource map lists no company with id " + companyId.getAsLong() + "; it lists " + ids(companies));
            }
        } else if (companyName.isPresent()) {
            matching = companies.stream().filter(c -> c.name.equals(companyName.get())).toList();
            if (matching.isEmpty()) {
                throw notConfigured("the resource map lists no company with the configured name; it lists " + ids(companies));
            }
        } else {
            matching = companies;
            if (matching.stream().map(c -> c.id).distinct().count() > 1) {
                throw notConfigured("the resource map lists several companies (" + ids(companies)
                        + "): choose one by companyId or companyName");
            }
        }
        Company chosen = matching.get(0);
        return new FortiCnpRequestContext.Context(chosen.id, chosen.name, chosen.roleId);
    }

    private static List<Company> companies(byte[] body) {
        Object decoded;
        try {
            decoded = StrictJson.parse(body);
        } catch (StrictJson.Refused e) {
            throw malformed("is " + e.getMessage());
        }
        if (!(decoded instanceof List<?> entries)) {
            throw malformed("is not a JSON array");
        }
        List<Company> companies = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> fields)) {
                throw malformed("has an entry that is not a JSON object");
            }
            long roleId = number(fields.get("roleId"), "roleId");
            if (!(fields.get("companyMapSet") instanceof List<?> set)) {
                throw malformed("has an entry without a companyMapSet array");
            }
            for (Object company : set) {
                if (!(company instanceof Map<?, ?> c)) {
                    throw malformed("has a companyMapSet member that is not a JSON object");
                }
                Object name = c.get("companyName");
                companies.add(new Company(number(c.get("companyId"), "companyId"), name instanceof String s ? s : "", roleId));
            }
        }
        if (companies.isEmpty()) {
            throw notConfigured("the resource map lists no company: this API user can see none");
        }
        return companies;
    }

    /** A whole number, written as a JSON number or a numeric string. */
    private static long number(Object value, String field) {
        try {
            if (value instanceof BigInteger i) {
                return i.longValueExact();
            }
            if (value instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (value instanceof String s && !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return Long.parseLong(s);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw malformed("has a " + field + " that is not a whole number in range");
        }
        throw malformed("has a " + field + " that is missing or not a whole number");
    }

    private static String ids(List<Company> companies) {
        return companies.stream().map(c -> Long.toString(c.id)).distinct().collect(Collectors.joining(", ", "ids ", ""));
    }

    private static TokenException malformed(String what) {
        return new TokenException(new Failure.Malformed("the resource map answer " + what));
    }

    private static TokenException notConfigured(String what) {
        return new TokenException(new Failure.NotConfigured(what));
    }

    /** One company of the map, with the role of the entry that lists it. */
    private record Company(long id, String name, long roleId) {}
}
