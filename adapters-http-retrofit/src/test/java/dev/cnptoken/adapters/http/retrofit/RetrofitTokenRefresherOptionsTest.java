package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.testkit.TokenRefresherOptionsContract;

/** Builder options of {@link RetrofitTokenRefresher}: checks, TLS trust, proxy, User-Agent, lifecycle. */
class RetrofitTokenRefresherOptionsTest extends TokenRefresherOptionsContract<RetrofitTokenRefresher> {
    RetrofitTokenRefresherOptionsTest() {
        super("retrofit", RetrofitTokenRefresher.GLOBAL_BASE_URL, RetrofitTokenRefresher.EU_BASE_URL);
    }

    @Override
    protected Options<RetrofitTokenRefresher> builder() {
        return Options.of(RetrofitTokenRefresher.builder());
    }
}
