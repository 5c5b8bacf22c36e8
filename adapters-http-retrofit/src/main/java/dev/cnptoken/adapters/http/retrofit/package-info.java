/**
 * {@link dev.cnptoken.domain.port.TokenRefresher} over Retrofit and OkHttp: {@link
 * dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher}; and {@link
 * dev.cnptoken.adapters.http.retrofit.FortiCnpAuthInterceptor}, the OkHttp interceptor that puts the
 * bearer token on an adopter's own FortiCNP API calls and retries once after a 401. These two are the
 * public types.
 */
package dev.cnptoken.adapters.http.retrofit;
