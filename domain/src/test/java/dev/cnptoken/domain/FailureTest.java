package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The {@link Failure} variants, {@link TokenException} and {@link FailureNote}. */
class FailureTest {

    @Test
    void rejectedIsPermanentAndDescribesWhatWasRefused() {
        Failure.Rejected r = new Failure.Rejected(Failure.Subject.REFRESH_TOKEN, OptionalInt.of(400),
                Optional.of("invalid_grant"), "the refresh token was refused");
        assertThat(r.retryable()).isFalse();
        assertThat(r.kind()).isEqualTo("rejected");
        assertThat(r.needsHuman()).isFalse();
        assertThat(r.describe())
                .isEqualTo("rejected: refresh token, HTTP 400, error=invalid_grant: the refresh token was refused");

        Failure.Rejected bare = new Failure.Rejected(Failure.Subject.CREDENTIAL, OptionalInt.empty(), Optional.empty(),
                "the API credential was refused");
        assertThat(bare.describe()).isEqualTo("rejected: credential: the API credential was refused");
        assertThat(bare.needsHuman()).isTrue();
        assertThat(new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.of(404), Optional.empty(), "x").needsHuman())
                .isTrue();
    }

    @Test
    void unavailableIsTransientAndShowsStatusAndRetryAfter() {
        Failure.Unavailable u = new Failure.Unavailable(OptionalInt.of(503), Optional.of(Duration.ofSeconds(30)),
                "refresh answered HTTP 503");
        assertThat(u.retryable()).isTrue();
        assertThat(u.kind()).isEqualTo("unavailable");
        assertThat(u.describe()).isEqualTo("unavailable, HTTP 503, retry after 30 s: refresh answered HTTP 503");
        Failure.Unavailable timeout = new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "timed out");
        assertThat(timeout.describe()).isEqualTo("unavailable: timed out");
        assertThat(new Failure.Unavailable(OptionalInt.empty(), Optional.of(Duration.ZERO), "x").retryAfter())
                .contains(Duration.ZERO);
    }

    @Test
    void unavailableRefusesANegativeRetryAfter() {
        assertThatThrownBy(() -> new Failure.Unavailable(OptionalInt.empty(), Optional.of(Duration.ofSeconds(-1)), "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfter");
    }

    @Test
    void malformedIsRetryable() {
        Failure.Malformed m = new Failure.Malformed("expires is missing");
        assertThat(m.retryable()).isTrue();
        assertThat(m.kind()).isEqualTo("malformed");
        assertThat(m.describe()).isEqualTo("malformed response: expires is missing");
    }

    @Test
    void storeFailuresAreRetryableOnlyWhenTheStoreMayRecover() {
        assertThat(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE, "d").retryable()).isTrue();
        assertThat(new Failure.StoreFailure(Failure.StoreFailure.Reason.FULL, "d").retryable()).isTrue();
        assertThat(new Failure.StoreFailure(Failure.StoreFailure.Reason.PERMISSION_DENIED, "d").retryable()).isFalse();
        assertThat(new Failure.StoreFailure(Failure.StoreFailure.Reason.CORRUPT, "d").retryable()).isFalse();
        Failure.StoreFailure s = new Failure.StoreFailure(Failure.StoreFailure.Reason.PERMISSION_DENIED,
                "redis key cnp-token:acme");
        assertThat(s.kind()).isEqualTo("store");
        assertThat(s.describe()).isEqualTo("store permission denied: redis key cnp-token:acme");
    }

    @Test
    void notConfiguredIsPermanent() {
        Failure.NotConfigured n = new Failure.NotConfigured("no credential for account acme");
        assertThat(n.retryable()).isFalse();
        assertThat(n.kind()).isEqualTo("not_configured");
        assertThat(n.describe()).isEqualTo("not configured: no credential for account acme");
    }

    @Test
    void everyVariantHasItsOwnKind() {
        List<Failure> all = List.of(
                new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), Optional.empty(), "d"),
                new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "d"),
                new Failure.Malformed("d"),
                new Failure.StoreFailure(Failure.StoreFailure.Reason.CORRUPT, "d"),
                new Failure.NotConfigured("d"));
        Set<String> kinds = all.stream().map(Failure::kind).collect(Collectors.toSet());
        assertThat(kinds).hasSize(all.size()).allMatch(k -> k.matches("[a-z_]+"));
        assertThat(Failure.class.getPermittedSubclasses()).hasSize(all.size());
    }

    @Test
    void variantsRefuseNulls() {
        assertThatThrownBy(() -> new Failure.Rejected(null, OptionalInt.empty(), Optional.empty(), "d"))
                .hasMessage("subject == null");
        assertThatThrownBy(() -> new Failure.Rejected(Failure.Subject.REQUEST, null, Optional.empty(), "d"))
                .hasMessage("status == null");
        assertThatThrownBy(() -> new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), null, "d"))
                .hasMessage("oauthError == null");
        assertThatThrownBy(() -> new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), Optional.empty(), null))
                .hasMessage("detail == null");
        assertThatThrownBy(() -> new Failure.Unavailable(OptionalInt.empty(), null, "d")).hasMessage("retryAfter == null");
        assertThatThrownBy(() -> new Failure.Malformed(null)).hasMessage("detail == null");
        assertThatThrownBy(() -> new Failure.StoreFailure(null, "d")).hasMessage("reason == null");
        assertThatThrownBy(() -> new Failure.NotConfigured(null)).hasMessage("detail == null");
    }

    @Test
    void tokenExceptionCarriesTheFailureAndItsDescription() {
        Failure f = new Failure.Unavailable(OptionalInt.of(429), Optional.of(Duration.ofSeconds(5)), "slow down");
        IOException cause = new IOException("connection reset");
        TokenException e = new TokenException(f, cause);
        assertThat(e.failure()).isSameAs(f);
        assertThat(e.getMessage()).isEqualTo(f.describe());
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.retryable()).isTrue();
        assertThat(new TokenException(new Failure.NotConfigured("x")).retryable()).isFalse();
        assertThatThrownBy(() -> new TokenException(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("failure == null");
        assertThatThrownBy(() -> new TokenException(null, cause)).isInstanceOf(NullPointerException.class)
                .hasMessage("failure == null");
    }

    @Test
    void failureNoteKeepsKindAndDescriptionAndCapsTheDetail() {
        Instant at = Instant.parse("2026-11-28T22:00:00Z");
        Failure f = new Failure.Malformed("x".repeat(2000));
        FailureNote note = FailureNote.of(f, at);
        assertThat(note.kind()).isEqualTo("malformed");
        assertThat(note.detail()).hasSize(500).startsWith("malformed response: xxx");
        assertThat(note.at()).isEqualTo(at);
        FailureNote small = FailureNote.of(new Failure.NotConfigured("no credential"), at);
        assertThat(small.detail()).isEqualTo("not configured: no credential");
        assertThatThrownBy(() -> new FailureNote(" ", "d", at)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> new FailureNote("k", null, at)).hasMessage("detail == null");
        assertThatThrownBy(() -> new FailureNote("k", "d", null)).hasMessage("at == null");
        assertThatThrownBy(() -> new FailureNote(null, "d", at)).hasMessage("kind == null");
    }
}
