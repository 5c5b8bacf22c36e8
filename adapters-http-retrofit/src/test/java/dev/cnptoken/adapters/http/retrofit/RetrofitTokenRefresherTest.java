package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.HttpTokenRefresherContract;

/** The refresher contract over plain HTTP on loopback. */
class RetrofitTokenRefresherTest extends HttpTokenRefresherContract {
    @Override
    protected HttpRefresherBuilder<?, ?> newBuilder() {
        return RetrofitTokenRefresher.builder();
    }
}
