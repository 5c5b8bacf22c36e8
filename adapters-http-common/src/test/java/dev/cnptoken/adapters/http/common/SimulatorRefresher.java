package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.port.TokenRefresher;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A minimal {@link TokenRefresher} over the JDK client for this module's tests, which cannot use the
 * Feign or Retrofit adapters (they depend on this module): the FortiCNP wire rules come from {@link
 * TokenAnswers}, as in the real adapters.
 */
final class SimulatorRefresher implements TokenRefresher {
    private static final int CAP = 64 * 1024;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI baseUrl;

    SimulatorRefresher(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public TokenGrant login(ApiCredential credential) {
        return call(TokenCall.LOGIN, HttpRequest.newBuilder(baseUrl.resolve("/api/v1/auth/credentials/token/"))
                .header("Authorization", Credentials.basicHeader(credential)), "grant_type=client_credentials");
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        return call(TokenCall.REFRESH, HttpRequest.newBuilder(baseUrl.resolve("/api/v1/auth/token/refresh")),
                "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(refreshToken.value(), StandardCharsets.UTF_8));
    }

    private TokenGrant call(TokenCall call, HttpRequest.Builder request, String form) {
        try {
            HttpResponse<byte[]> r = client.send(request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return TokenAnswers.interpret(call, r.statusCode(), r.body(), CAP,
                    r.headers().firstValue("Retry-After").orElse(null), Clock.systemUTC());
        } catch (IOException e) {
            throw new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "I/O failure"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "interrupted"));
        }
    }
}
