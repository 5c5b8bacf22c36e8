package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Lease}, {@link VersionedState}, {@link TokenGrant} and {@link TokenCall}. */
class SmallValuesTest {
    private static final Instant T = Instant.parse("2026-11-28T22:00:00Z");

    @Test
    void leaseHoldsStrictlyBeforeItsEnd() {
        Lease lease = new Lease("host-1/4711", T);
        assertThat(lease.heldAt(T.minusMillis(1))).isTrue();
        assertThat(lease.heldAt(T)).isFalse();
        assertThat(lease.heldAt(T.plusSeconds(1))).isFalse();
    }

    @Test
    void leaseOwnerMustBeOneTo200Characters() {
        assertThat(new Lease("x".repeat(200), T).owner()).hasSize(200);
        assertThatThrownBy(() -> new Lease("x".repeat(201), T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> new Lease(" ", T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> new Lease(null, T)).hasMessage("owner == null");
        assertThatThrownBy(() -> new Lease("o", null)).hasMessage("until == null");
    }

    @Test
    void versionedStateNeedsAPositiveVersion() {
        TokenState s = TokenState.loggedIn(new TokenGrant(new AccessToken("a1"), "bearer", T,
                Optional.of(new RefreshToken("r1"))), T, Optional.empty());
        assertThat(new VersionedState(s, 1).version()).isEqualTo(1);
        assertThat(new VersionedState(s, Long.MAX_VALUE).state()).isEqualTo(s);
        assertThatThrownBy(() -> new VersionedState(s, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new VersionedState(s, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VersionedState(null, 1)).hasMessage("state == null");
    }

    @Test
    void tokenGrantRefusesNullsAndABlankType() {
        AccessToken a = new AccessToken("a1");
        assertThatThrownBy(() -> new TokenGrant(null, "bearer", T, Optional.empty())).hasMessage("accessToken == null");
        assertThatThrownBy(() -> new TokenGrant(a, null, T, Optional.empty())).hasMessage("tokenType == null");
        assertThatThrownBy(() -> new TokenGrant(a, "bearer", null, Optional.empty())).hasMessage("expiresAt == null");
        assertThatThrownBy(() -> new TokenGrant(a, "bearer", T, null)).hasMessage("refreshToken == null");
        assertThatThrownBy(() -> new TokenGrant(a, "", T, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenType is blank");
    }

    @Test
    void tokenCallsKnowTheirDocumentedPathGrantTypeAndSubject() {
        assertThat(TokenCall.LOGIN.path()).isEqualTo("/api/v1/auth/credentials/token/");
        assertThat(TokenCall.LOGIN.grantType()).isEqualTo("client_credentials");
        assertThat(TokenCall.LOGIN.rejectedSubject()).isEqualTo(Failure.Subject.CREDENTIAL);
        assertThat(TokenCall.REFRESH.path()).isEqualTo("/api/v1/auth/token/refresh");
        assertThat(TokenCall.REFRESH.grantType()).isEqualTo("refresh_token");
        assertThat(TokenCall.REFRESH.rejectedSubject()).isEqualTo(Failure.Subject.REFRESH_TOKEN);
    }
}
