/**
 * {@link dev.cnptoken.domain.port.TokenRefresher} over OpenFeign on the JDK HTTP client: {@link
 * dev.cnptoken.adapters.http.feign.FeignTokenRefresher} is the only public type.
 */
package dev.cnptoken.adapters.http.feign;
