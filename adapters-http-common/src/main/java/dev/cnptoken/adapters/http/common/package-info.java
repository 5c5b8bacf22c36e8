/**
 * Support shared by the HTTP {@link dev.cnptoken.domain.port.TokenRefresher} adapters ({@code
 * adapters-http-feign}, {@code adapters-http-retrofit}): the common builder settings, TLS trust,
 * base URL checks, the login header, the FortiCNP wire rules (strict JSON decoding through Jackson,
 * token answers to grants, {@code expires} and JWT {@code exp}, error classification, {@code
 * Retry-After}) and translation of I/O faults.
 *
 * <p>Two types are for adopters: {@link dev.cnptoken.adapters.http.common.FortiCnpHttpClient}
 * calls the FortiCNP API through a JDK {@code HttpClient} with the bearer token and retries once
 * after a 401, and {@link dev.cnptoken.adapters.http.common.FortiCnpOrigin} is the rule that only
 * the FortiCNP base URL gets the token (shared with the OkHttp and Feign integrations).
 *
 * <p>The rest is not an API for adopters: those types are public only so that the adapters'
 * packages can use them, and may change with any release. Build a refresher through {@code
 * FeignTokenRefresher} or {@code RetrofitTokenRefresher} instead.
 */
package dev.cnptoken.adapters.http.common;
