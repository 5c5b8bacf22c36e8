/**
 * {@link dev.cnptoken.domain.port.TokenRefresher} over OpenFeign on the JDK HTTP client: {@link
 * dev.cnptoken.adapters.http.feign.FeignTokenRefresher}; and {@link
 * dev.cnptoken.adapters.http.feign.FortiCnpFeignClient}, the Feign client decorator that puts the
 * bearer token on an adopter's own FortiCNP API calls and retries once after a 401. These two are the
 * public types.
 */
package dev.cnptoken.adapters.http.feign;
