package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.adapters.http.common.BuilderOptions;
import dev.cnptoken.testkit.TokenRefresherOptionsContract;
import java.net.URI;

/** Builder options of {@link FeignTokenRefresher}: checks, TLS trust, proxy, User-Agent, lifecycle. */
class FeignTokenRefresherOptionsTest extends TokenRefresherOptionsContract<FeignTokenRefresher> {
    @Override
    protected Options<FeignTokenRefresher> builder() {
        return BuilderOptions.of(FeignTokenRefresher.builder());
    }

    @Override
    protected URI globalBaseUrl() {
        return FeignTokenRefresher.GLOBAL_BASE_URL;
    }

    @Override
    protected URI euBaseUrl() {
        return FeignTokenRefresher.EU_BASE_URL;
    }

    @Override
    protected String userAgentLibrary() {
        return "feign";
    }
}
