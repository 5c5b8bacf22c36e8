package dev.cnptoken.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A misbehaviour the {@link FortiCnpSimulator} shows for one call, queued with {@link
 * FortiCnpSimulator#injectFault}. Immutable.
 *
 * <p>Two families:
 *
 * <ul>
 *   <li>Replacing answers ({@link #answer}, {@link #oauthError}, {@link #htmlErrorPage}, {@link
 *       #emptyBody}): the simulator does not process the request at all (no token is issued or
 *       used) and sends the given answer instead.
 *   <li>Damaged successes ({@link #malformedJson}, {@link #missingField}, {@link #expires}, {@link #unknownFields}, {@link
 *       #closeMidResponse}, {@link #oversizedBody}, {@link #trickle}, {@link #delay}): the simulator processes the
 *       request as usual (tokens are issued) and then damages or delays the successful answer. A
 *       request the simulator refuses anyway (bad credential, unknown refresh token) is answered
 *       with that refusal; only the delay still applies.
 * </ul>
 *
 * Any fault can also carry a {@code Retry-After} header ({@link #withRetryAfter}) and a delay before
 * the answer ({@link #withDelay}).
 */
public final class FortiCnpFault {
    /** How long a {@link #trickle()} answer waits between two body bytes. */
    public static final Duration TRICKLE_INTERVAL = Duration.ofSeconds(1);

    enum Kind {
        ANSWER,
        DELAY,
        MALFORMED_JSON,
        MISSING_FIELD,
        EXPIRES,
        CLOSE_MID_RESPONSE,
        OVERSIZED,
        UNKNOWN_FIELDS,
        TRICKLE
    }

    /** How a damaged success writes {@code expires}. */
    public enum ExpiresForm {
        /** A JSON number in exponent form, as the documented sample: {@code 1.585002361532E12}. */
        EXPONENT,
        /** A plain JSON integer of epoch milliseconds: {@code 1585002361532}. */
        INTEGER,
        /** A JSON string holding the epoch milliseconds (the documented type): {@code "1585002361532"}. */
        STRING,
        /** No {@code expires} field at all (clients can fall back to the JWT {@code exp}). */
        ABSENT,
        /** A negative number: {@code -1.585002361532E12}. */
        NEGATIVE,
        /** A string that is not a number: {@code "in 30 minutes"}. */
        NOT_A_NUMBER
    }

    final Kind kind;
    final int status;
    final String contentType;
    final String body;
    final String field;
    final ExpiresForm expiresForm;
    final int size;
    final Duration delay;
    final String retryAfter;

    private FortiCnpFault(Kind kind, int status, String contentType, String body, String field,
            ExpiresForm expiresForm, int size, Duration delay, String retryAfter) {
        this.kind = kind;
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.field = field;
        this.expiresForm = expiresForm;
        this.size = size;
        this.delay = delay;
        this.retryAfter = retryAfter;
    }

    private static FortiCnpFault of(Kind kind) {
        return new FortiCnpFault(kind, 200, null, null, null, null, 0, Duration.ZERO, null);
    }

    /**
     * Answers with this status, content type and body instead of processing the request.
     *
     * @param contentType the {@code Content-Type} header, or null for none
     */
    public static FortiCnpFault answer(int status, String contentType, String body) {
        checkStatus(status);
        Objects.requireNonNull(body, "body == null");
        return new FortiCnpFault(Kind.ANSWER, status, contentType, body, null, null, 0, Duration.ZERO, null);
    }

    /** Answers with an RFC 6749 error body: {@code {"error":..., "error_description":...}}. */
    public static FortiCnpFault oauthError(int status, String error, String description) {
        Objects.requireNonNull(error, "error == null");
        Objects.requireNonNull(description, "description == null");
        String json = new String(Wire.json(Wire.oauthErrorBody(error, description)), StandardCharsets.UTF_8);
        return answer(status, Reply.JSON, json);
    }

    /** Answers with an HTML error page, as a load balancer or proxy in front of the API would. */
    public static FortiCnpFault htmlErrorPage(int status) {
        String page = "<!DOCTYPE html>\n<html><head><title>" + status + " Error</title></head><body><h1>"
                + status + " Error</h1><p>The server encountered a problem. Please try again later.</p>"
                + "<hr><address>nginx</address></body></html>\n";
        return answer(status, "text/html; charset=utf-8", page);
    }

    /** Answers with this status and no body at all ({@code Content-Length: 0}). */
    public static FortiCnpFault emptyBody(int status) {
        return answer(status, null, "");
    }

    /** Processes the request normally, but only after waiting {@code delay} (to trigger timeouts). */
    public static FortiCnpFault delay(Duration delay) {
        return of(Kind.DELAY).withDelay(delay);
    }

    /** A successful answer whose JSON is cut off in the middle of the object. */
    public static FortiCnpFault malformedJson() {
        return of(Kind.MALFORMED_JSON);
    }

    /** A successful answer without the named field ({@code access_token}, {@code refresh_token}...). */
    public static FortiCnpFault missingField(String field) {
        FortiCnpFault f = of(Kind.MISSING_FIELD);
        return new FortiCnpFault(f.kind, 200, null, null, Objects.requireNonNull(field, "field == null"), null, 0,
                Duration.ZERO, null);
    }

    /** A successful answer with {@code expires} written in the given form. */
    public static FortiCnpFault expires(ExpiresForm form) {
        return new FortiCnpFault(Kind.EXPIRES, 200, null, null, null, Objects.requireNonNull(form, "form == null"), 0,
                Duration.ZERO, null);
    }

    /**
     * A successful answer with extra fields a client must ignore: a string, a number, a nested
     * object and an array.
     */
    public static FortiCnpFault unknownFields() {
        return of(Kind.UNKNOWN_FIELDS);
    }

    /**
     * A successful answer whose connection is closed after half of the body: the headers announce
     * the full length, the rest never comes.
     */
    public static FortiCnpFault closeMidResponse() {
        return of(Kind.CLOSE_MID_RESPONSE);
    }

    /**
     * A successful answer whose headers come at once and whose body then comes one byte a second
     * ({@link #TRICKLE_INTERVAL}): no silence is long enough for a read timeout, yet the whole answer
     * takes minutes. Only a deadline on the whole call ends it.
     */
    public static FortiCnpFault trickle() {
        return of(Kind.TRICKLE);
    }

    /**
     * A successful answer padded to at least {@code bytes} bytes with an extra field, sent chunked
     * (no {@code Content-Length}), so a client cannot see its size before reading it.
     */
    public static FortiCnpFault oversizedBody(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive");
        }
        return new FortiCnpFault(Kind.OVERSIZED, 200, null, null, null, null, bytes, Duration.ZERO, null);
    }

    /** This fault with a {@code Retry-After} header of the given value (seconds or an HTTP-date). */
    public FortiCnpFault withRetryAfter(String value) {
        Objects.requireNonNull(value, "value == null");
        return new FortiCnpFault(kind, status, contentType, body, field, expiresForm, size, delay, value);
    }

    /** This fault, sent only after waiting {@code delay}. */
    public FortiCnpFault withDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay == null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay is negative");
        }
        return new FortiCnpFault(kind, status, contentType, body, field, expiresForm, size, delay, retryAfter);
    }

    Optional<String> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, got " + status);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("FortiCnpFault[").append(kind.name().toLowerCase(java.util.Locale.ROOT));
        switch (kind) {
            case ANSWER -> b.append(' ').append(status).append(body.isEmpty() ? " empty" : " " + contentType);
            case MISSING_FIELD -> b.append(' ').append(field);
            case EXPIRES -> b.append(' ').append(expiresForm);
            case OVERSIZED -> b.append(' ').append(size).append(" bytes");
            default -> { }
        }
        if (!delay.isZero()) {
            b.append(", delay ").append(delay.toMillis()).append(" ms");
        }
        if (retryAfter != null) {
            b.append(", Retry-After ").append(retryAfter);
        }
        return b.append(']').toString();
    }
}
