/**
 * {@link dev.cnptoken.domain.port.TokenRefresher} over Retrofit and OkHttp: {@link
 * dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher} is the only public type.
 */
package dev.cnptoken.adapters.http.retrofit;
