package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies a non-2xx answer to a token call into a {@link Failure}, by HTTP status and RFC 6749
 * §5.2 {@code error} code.
 *
 * <ul>
 *   <li>{@code error} of {@code temporarily_unavailable} or {@code server_error}, 408, 425, 429 and
 *       5xx: {@link Failure.Unavailable}, with the {@code Retry-After} delay.
 *   <li>{@code invalid_grant}, {@code invalid_client}, {@code unauthorized_client}, {@code
 *       access_denied}, {@code invalid_token}, 400 without a known code, 401 and 403: {@link
 *       Failure.Rejected} of the call's subject (the credential for a login, the refresh token for a
 *       refresh).
 *   <li>407 (only a proxy sends it): {@link Failure.Rejected} of the request, saying that the proxy
 *       refused authentication ({@link #proxyRefused}), whatever the body says.
 *   <li>{@code invalid_request}, {@code unsupported_grant_type}, {@code invalid_scope}, and any
 *       other status (a wrong URL, method or media type, a redirect): {@link Failure.Rejected} of the
 *       request.
 * </ul>
 *
 * The server's {@code error} and {@code error_description} are quoted shortened, without control
 * characters, and with anything shaped like a token replaced: some servers echo the refused token.
 */
final class FailureClassifier {
    /** A run this long of token characters in a server's error text is treated as a possible secret. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9._~+/=-]{24,}");
    /** The most of a server's text that is quoted. */
    private static final int MAX_QUOTED = 200;
    private static final Set<String> PERMANENT_CLIENT_ERRORS =
            Set.of("invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "invalid_token");
    private static final Set<String> REQUEST_ERRORS = Set.of("invalid_request", "unsupported_grant_type", "invalid_scope");
    private static final Set<String> TRANSIENT_ERRORS = Set.of("temporarily_unavailable", "server_error");

    private FailureClassifier() {}

    /**
     * @param oauthError the RFC 6749 {@code error} code, when the body was an OAuth error
     * @param description the RFC 6749 {@code error_description}
     * @param retryAfter the delay the answer asked for, carried into {@link Failure.Unavailable}
     */
    static Failure classify(
            TokenCall call, int status, Optional<String> oauthError, Optional<String> description, Optional<Duration> retryAfter) {
        Optional<String> code = oauthError.map(c -> c.strip().toLowerCase(Locale.ROOT)).filter(c -> !c.isEmpty())
                .map(FailureClassifier::printable);
        String said = description.map(FailureClassifier::printable).filter(d -> !d.isBlank())
                .map(d -> " (" + d + ")").orElse("");
        if (status == 407) {
            return proxyRefused(call);
        }
        OptionalInt st = OptionalInt.of(status);
        String where = TokenAnswers.where(call);
        if (code.isPresent() && TRANSIENT_ERRORS.contains(code.get()) || isTransient(status)) {
            return new Failure.Unavailable(st, retryAfter, where + " answered HTTP " + status + said);
        }
        if (code.isPresent() && REQUEST_ERRORS.contains(code.get())) {
            return new Failure.Rejected(Failure.Subject.REQUEST, st, code, where + " request refused" + said);
        }
        if (code.isPresent() && PERMANENT_CLIENT_ERRORS.contains(code.get())
                || status == 400 || status == 401 || status == 403) {
            String what = call == TokenCall.LOGIN ? "the API credential was refused" : "the refresh token was refused";
            return new Failure.Rejected(call.rejectedSubject(), st, code, what + said);
        }
        String hint = status == 404 ? ": check the base URL"
                : status >= 300 && status < 400 ? ": unexpected redirect, check the base URL" : "";
        return new Failure.Rejected(Failure.Subject.REQUEST, st, code, where + " answered HTTP " + status + hint + said);
    }

    /**
     * The proxy answered 407: a permanent refusal of the request (the proxy credentials are missing
     * or wrong), which a human must fix; distinct from a refused FortiCNP credential.
     */
    static Failure proxyRefused(TokenCall call) {
        return new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.of(407), Optional.empty(), TokenAnswers.where(call)
                + ": the proxy refused authentication (HTTP 407 Proxy Authentication Required): check the proxy user and password");
    }

    private static boolean isTransient(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** A server's text, token-shaped runs replaced, shortened, control characters made spaces. */
    private static String printable(String s) {
        String scrubbed = TOKEN_LIKE.matcher(s).replaceAll("[redacted]");
        String cut = scrubbed.length() > MAX_QUOTED ? scrubbed.substring(0, MAX_QUOTED) + "..." : scrubbed;
        return cut.replaceAll("\\p{Cc}", " ");
    }
}
