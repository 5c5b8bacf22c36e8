package dev.cnptoken.adapters.http.archfixture;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;

/** Fixture: a TokenRefresher not named after its port. Breaks the naming rule on purpose. */
public class BadlyNamedHttpClient implements TokenRefresher {
    @Override
    public TokenGrant login(ApiCredential credential) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        throw new UnsupportedOperationException();
    }
}
