package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.BuilderOptions;
import dev.cnptoken.testkit.TokenRefresherOptionsContract;
import java.net.URI;

/** Builder options of {@link RetrofitTokenRefresher}: checks, TLS trust, proxy, User-Agent, lifecycle. */
class RetrofitTokenRefresherOptionsTest extends TokenRefresherOptionsContract<RetrofitTokenRefresher> {
    @Override
    protected Options<RetrofitTokenRefresher> builder() {
        return BuilderOptions.of(RetrofitTokenRefresher.builder());
    }

    @Override
    protected URI globalBaseUrl() {
        return RetrofitTokenRefresher.GLOBAL_BASE_URL;
    }

    @Override
    protected URI euBaseUrl() {
        return RetrofitTokenRefresher.EU_BASE_URL;
    }

    @Override
    protected String userAgentLibrary() {
        return "retrofit";
    }
}
