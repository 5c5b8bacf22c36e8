package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.adapters.http.common.Credentials;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A form-encoded token request body and, for the login, the literal {@code Authorization} header.
 * Holds secrets: {@link #toString()} prints neither.
 */
final class FormRequest {
    private final String form;
    private final Optional<String> authorization;

    private FormRequest(String form, Optional<String> authorization) {
        this.form = form;
        this.authorization = authorization;
    }

    /**
     * The login request: {@code grant_type=client_credentials} and the credential verbatim after
     * {@code Basic }.
     *
     * @throws TokenException {@code Rejected} of the credential when it holds a character an HTTP
     *     header cannot carry (outside printable ASCII)
     */
    static FormRequest login(ApiCredential credential) {
        return of(Map.of("grant_type", TokenCall.LOGIN.grantType()), Optional.of(Credentials.basicHeader(credential)));
    }

    /** The refresh request: {@code grant_type=refresh_token&refresh_token=...}, no Authorization. */
    static FormRequest refresh(RefreshToken token) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", TokenCall.REFRESH.grantType());
        fields.put("refresh_token", token.value());
        return of(fields, Optional.empty());
    }

    /** {@code fields} in iteration order, each name and value encoded as application/x-www-form-urlencoded. */
    static FormRequest of(Map<String, String> fields, Optional<String> authorization) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new FormRequest(body.toString(), authorization);
    }

    String form() {
        return form;
    }

    Optional<String> authorization() {
        return authorization;
    }

    @Override
    public String toString() {
        return "FormRequest[redacted]";
    }
}
