package dev.cnptoken.adapters.http.feign;

import feign.Headers;
import feign.RequestLine;
import feign.Response;

/**
 * The two FortiCNP authentication calls as a Feign interface. The form body and, for the login,
 * the {@code Authorization} header come from the {@link FormRequest} argument through {@link
 * FormEncoder}, so that no secret passes through Feign's template expansion.
 */
interface FortiCnpAuthApi {
    @RequestLine("POST /api/v1/auth/credentials/token/")
    @Headers("Accept: application/json")
    Response login(FormRequest request);

    @RequestLine("POST /api/v1/auth/token/refresh")
    @Headers("Accept: application/json")
    Response refresh(FormRequest request);
}
