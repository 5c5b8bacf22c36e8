package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.HttpTokenRefresherContract;

/** The refresher contract over plain HTTP on loopback. */
class FeignTokenRefresherTest extends HttpTokenRefresherContract {
    @Override
    protected HttpRefresherBuilder<?, ?> newBuilder() {
        return FeignTokenRefresher.builder();
    }
}
