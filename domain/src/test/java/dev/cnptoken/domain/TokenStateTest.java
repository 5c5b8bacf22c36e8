package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link TokenState}: the helpers the engine builds states with, and a toString() without secrets. */
class TokenStateTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofMinutes(50));

    private final String accessValue = TestSecrets.sentinel("access");
    private final String refreshValue = TestSecrets.sentinel("refresh");
    private final String credentialValue = TestSecrets.sentinel("credential");
    private final ApiCredential credential = new ApiCredential(credentialValue);

    private TokenGrant loginGrant() {
        return new TokenGrant(new AccessToken(accessValue), "bearer", T0.plus(Duration.ofHours(1)),
                Optional.of(new RefreshToken(refreshValue)));
    }

    @Test
    void toStoredPrecisionCutsEveryInstantToTheMillisecondAndKeepsTheRest() {
        Instant fine = Instant.parse("2026-03-01T10:15:30.123456789Z");
        Instant cut = Instant.parse("2026-03-01T10:15:30.123Z");
        TokenState s = new TokenState(new AccessToken(accessValue), "bearer", fine, new RefreshToken(refreshValue),
                fine, fine, Optional.of(credential), Optional.of(new Lease("me", fine)),
                Optional.of(new FailureNote("unavailable", "x", fine)));

        assertThat(s.toStoredPrecision()).isEqualTo(new TokenState(new AccessToken(accessValue), "bearer", cut,
                new RefreshToken(refreshValue), cut, cut, Optional.of(credential), Optional.of(new Lease("me", cut)),
                Optional.of(new FailureNote("unavailable", "x", cut))));
        assertThat(s.toStoredPrecision().toStoredPrecision()).isEqualTo(s.toStoredPrecision());
    }

    @Test
    void loggedInTakesEverythingFromTheGrantAndStartsTheRefreshTokensLifetime() {
        TokenState s = TokenState.loggedIn(loginGrant(), T0, Optional.of(credential));

        assertThat(s.accessToken().value()).isEqualTo(accessValue);
        assertThat(s.tokenType()).isEqualTo("bearer");
        assertThat(s.accessExpiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(s.refreshToken().value()).isEqualTo(refreshValue);
        assertThat(s.refreshIssuedAt()).isEqualTo(T0);
        assertThat(s.updatedAt()).isEqualTo(T0);
        assertThat(s.credential()).contains(credential);
        assertThat(s.lease()).isEmpty();
        assertThat(s.lastFailure()).isEmpty();
        assertThat(s.refreshExpiresAt(Duration.ofHours(8))).isEqualTo(T0.plus(Duration.ofHours(8)));
    }

    @Test
    void loggedInRequiresARefreshToken() {
        TokenGrant noRefresh = new TokenGrant(new AccessToken(accessValue), "bearer", T1, Optional.empty());
        assertThatThrownBy(() -> TokenState.loggedIn(noRefresh, T0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refresh token")
                .hasMessageNotContaining(accessValue);
    }

    @Test
    void refreshedKeepsTheRefreshTokenAndItsAgeWhenTheGrantCarriesNone() {
        TokenState before = TokenState.loggedIn(loginGrant(), T0, Optional.of(credential))
                .withLease(new Lease("host-1", T1.plusSeconds(30)))
                .failed(FailureNote.of(new Failure.Malformed("expires is missing"), T1));
        String newAccess = TestSecrets.sentinel("access2");
        TokenGrant refresh = new TokenGrant(new AccessToken(newAccess), "bearer", T1.plus(Duration.ofHours(1)),
                Optional.empty());

        TokenState after = before.refreshed(refresh, T1);

        assertThat(after.accessToken().value()).isEqualTo(newAccess);
        assertThat(after.accessExpiresAt()).isEqualTo(T1.plus(Duration.ofHours(1)));
        assertThat(after.refreshToken()).isEqualTo(before.refreshToken());
        assertThat(after.refreshIssuedAt()).isEqualTo(T0);
        assertThat(after.updatedAt()).isEqualTo(T1);
        assertThat(after.credential()).contains(credential);
        assertThat(after.lease()).isEmpty();
        assertThat(after.lastFailure()).isEmpty();
    }

    @Test
    void refreshedTakesARotatedRefreshTokenAndRestartsItsLifetime() {
        TokenState before = TokenState.loggedIn(loginGrant(), T0, Optional.empty());
        RefreshToken rotated = new RefreshToken(TestSecrets.sentinel("rotated"));
        TokenGrant refresh = new TokenGrant(new AccessToken(TestSecrets.sentinel("access2")), "bearer",
                T1.plus(Duration.ofHours(1)), Optional.of(rotated));

        TokenState after = before.refreshed(refresh, T1);

        assertThat(after.refreshToken()).isEqualTo(rotated);
        assertThat(after.refreshIssuedAt()).isEqualTo(T1);
        assertThat(after.refreshExpiresAt(Duration.ofHours(8))).isEqualTo(T1.plus(Duration.ofHours(8)));
        assertThat(after.credential()).isEmpty();
    }

    @Test
    void leaseHelpersChangeOnlyTheLeaseAndTheLastFailure() {
        TokenState base = TokenState.loggedIn(loginGrant(), T0, Optional.of(credential));
        Lease lease = new Lease("host-1/4711/ab12", T1.plusSeconds(30));

        TokenState leased = base.withLease(lease);
        assertThat(leased.lease()).contains(lease);
        assertThat(leased.withoutLease()).isEqualTo(base);

        FailureNote note = FailureNote.of(new Failure.Unavailable(OptionalInt.of(503), Optional.empty(), "down"), T1);
        TokenState failed = leased.failed(note);
        assertThat(failed.lease()).isEmpty();
        assertThat(failed.lastFailure()).contains(note);
        assertThat(failed.accessToken()).isEqualTo(base.accessToken());
        assertThat(failed.refreshToken()).isEqualTo(base.refreshToken());
        assertThat(failed.updatedAt()).isEqualTo(base.updatedAt());

        TokenState leasedAgain = failed.withLease(lease);
        assertThat(leasedAgain.lastFailure()).contains(note);
        assertThat(leasedAgain.withoutLease().lastFailure()).contains(note);
        assertThat(leasedAgain.withoutLease().lease()).isEmpty();

        assertThat(base.withCredential(Optional.empty()).credential()).isEmpty();
        assertThat(base.withCredential(Optional.empty()).withCredential(Optional.of(credential))).isEqualTo(base);
    }

    @Test
    void accessIsValidStrictlyBeforeItsExpiry() {
        TokenState s = TokenState.loggedIn(loginGrant(), T0, Optional.empty());
        Instant expiry = s.accessExpiresAt();
        assertThat(s.accessValidAt(expiry.minusMillis(1))).isTrue();
        assertThat(s.accessValidAt(expiry)).isFalse();
        assertThat(s.accessValidAt(expiry.plusSeconds(1))).isFalse();
    }

    @Test
    void toStringShowsFingerprintsButNoSecret() {
        TokenState s = TokenState.loggedIn(loginGrant(), T0, Optional.of(credential))
                .withLease(new Lease("host-1", T1))
                .failed(FailureNote.of(new Failure.Malformed("expires is missing"), T1))
                .withLease(new Lease("host-2", T1));
        String text = s.toString();
        TestSecrets.assertNoSecret(text, accessValue);
        TestSecrets.assertNoSecret(text, refreshValue);
        TestSecrets.assertNoSecret(text, credentialValue);
        assertThat(text).doesNotContain("SENTINEL")
                .contains(s.accessToken().fingerprint(), s.refreshToken().fingerprint(), credential.fingerprint())
                .contains("host-2").contains("malformed");
        TestSecrets.assertNoSecret(String.valueOf(new VersionedState(s, 3)), accessValue);
        assertThat(String.valueOf(new VersionedState(s, 3))).doesNotContain("SENTINEL");
        assertThat(String.valueOf(loginGrant())).doesNotContain("SENTINEL");
    }

    @Property(tries = 500)
    void toStringHoldsNoneOfTheSecretsWhateverTheyAre(
            @ForAll("secrets") String access, @ForAll("secrets") String refresh, @ForAll("secrets") String credentialText) {
        TokenState s = TokenState.loggedIn(new TokenGrant(new AccessToken(access), "bearer", T1,
                Optional.of(new RefreshToken(refresh))), T0, Optional.of(new ApiCredential(credentialText)));
        String shown = s.toString();
        for (String v : new String[] {access, refresh, credentialText}) {
            Assume.that(!redactionOf(s).contains(v));
        }
        assertThat(shown).isEqualTo(redactionOf(s));
        assertThat(shown).doesNotContain(access).doesNotContain(refresh).doesNotContain(credentialText);
    }

    private static String redactionOf(TokenState s) {
        return "TokenState[accessToken=AccessToken[redacted sha256:" + s.accessToken().fingerprint()
                + "], tokenType=bearer, accessExpiresAt=" + s.accessExpiresAt()
                + ", refreshToken=RefreshToken[redacted sha256:" + s.refreshToken().fingerprint()
                + "], refreshIssuedAt=" + s.refreshIssuedAt() + ", updatedAt=" + s.updatedAt()
                + ", credential=ApiCredential[redacted sha256:" + s.credential().orElseThrow().fingerprint()
                + "], lease=none, lastFailure=none]";
    }

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMinLength(6).ofMaxLength(40),
                        Arbitraries.strings().withCharRange('!', '~').ofMinLength(6).ofMaxLength(80))
                .filter(v -> !v.isBlank() && v.strip().equals(v) && v.chars().noneMatch(c -> Character.getType(c) == Character.CONTROL));
    }

    @Test
    void rejectsMissingFieldsWithTheirNames() {
        AccessToken a = new AccessToken(accessValue);
        RefreshToken r = new RefreshToken(refreshValue);
        Optional<ApiCredential> c = Optional.empty();
        assertThatThrownBy(() -> new TokenState(null, "bearer", T1, r, T0, T0, c, Optional.empty(), Optional.empty()))
                .hasMessage("accessToken == null");
        assertThatThrownBy(() -> new TokenState(a, null, T1, r, T0, T0, c, Optional.empty(), Optional.empty()))
                .hasMessage("tokenType == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", null, r, T0, T0, c, Optional.empty(), Optional.empty()))
                .hasMessage("accessExpiresAt == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, null, T0, T0, c, Optional.empty(), Optional.empty()))
                .hasMessage("refreshToken == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, r, null, T0, c, Optional.empty(), Optional.empty()))
                .hasMessage("refreshIssuedAt == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, r, T0, null, c, Optional.empty(), Optional.empty()))
                .hasMessage("updatedAt == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, r, T0, T0, null, Optional.empty(), Optional.empty()))
                .hasMessage("credential == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, r, T0, T0, c, null, Optional.empty()))
                .hasMessage("lease == null");
        assertThatThrownBy(() -> new TokenState(a, "bearer", T1, r, T0, T0, c, Optional.empty(), null))
                .hasMessage("lastFailure == null");
        assertThatThrownBy(() -> new TokenState(a, " ", T1, r, T0, T0, c, Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokenType is blank");
    }
}
