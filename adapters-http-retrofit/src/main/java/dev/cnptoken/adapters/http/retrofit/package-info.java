/** TokenRefresher over Retrofit and OkHttp. */
package dev.cnptoken.adapters.http.retrofit;
