package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.AccessToken;
import java.util.function.BiConsumer;

/**
 * The headers the HTTP-client integrations ({@link FortiCnpHttpClient}, the OkHttp interceptor, the
 * Feign client) set on a FortiCNP API request, written once for all three: {@code Authorization:
 * Bearer <token>} and, with a request context, {@code companyId} and {@code roleId}. They replace any
 * header of those names the caller set.
 */
public final class FortiCnpHeaders {
    /** The header that carries the token. */
    public static final String AUTHORIZATION = "Authorization";

    private FortiCnpHeaders() {}

    /** Whether header {@code name} is one the integrations set themselves for this context (null: none). */
    public static boolean setByIntegration(String name, FortiCnpRequestContext.Context context) {
        return name.equalsIgnoreCase(AUTHORIZATION) || context != null
                && (name.equalsIgnoreCase(FortiCnpRequestContext.COMPANY_ID_HEADER)
                        || name.equalsIgnoreCase(FortiCnpRequestContext.ROLE_ID_HEADER));
    }

    /** Hands {@code set} each header to set, in order: the token, then the context's (when not null). */
    public static void forEach(AccessToken token, FortiCnpRequestContext.Context context, BiConsumer<String, String> set) {
        set.accept(AUTHORIZATION, "Bearer " + token.value());
        if (context != null) {
            set.accept(FortiCnpRequestContext.COMPANY_ID_HEADER, Long.toString(context.companyId()));
            set.accept(FortiCnpRequestContext.ROLE_ID_HEADER, Long.toString(context.roleId()));
        }
    }
}
