package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.testkit.TokenRefresherOptionsContract;

/** Builder options of {@link FeignTokenRefresher}: checks, TLS trust, proxy, User-Agent, lifecycle. */
class FeignTokenRefresherOptionsTest extends TokenRefresherOptionsContract<FeignTokenRefresher> {
    FeignTokenRefresherOptionsTest() {
        super("feign", FeignTokenRefresher.GLOBAL_BASE_URL, FeignTokenRefresher.EU_BASE_URL);
    }

    @Override
    protected Options<FeignTokenRefresher> builder() {
        return Options.of(FeignTokenRefresher.builder());
    }
}
