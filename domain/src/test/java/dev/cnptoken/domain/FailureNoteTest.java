package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FailureNoteTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void holdsOffUntilItsNextAttemptTimeAndANoteWithoutOneHoldsOffNothing() {
        FailureNote note = FailureNote.of(new Failure.Unavailable(OptionalInt.of(503), Optional.empty(), "down"), T, T.plusSeconds(30));

        assertThat(note.holdsOffAt(T.plusSeconds(29))).isTrue();
        assertThat(note.holdsOffAt(T.plusSeconds(30))).isFalse();
        assertThat(new FailureNote("unavailable", "down", T).holdsOffAt(T)).isFalse();
    }

    @Test
    void givesBackAFailureOfTheRecordedClassSoItMapsToTheSameExitCode() {
        Failure rejected = new Failure.Rejected(Failure.Subject.REFRESH_TOKEN, OptionalInt.of(400), Optional.of("invalid_grant"),
                "refused; no API credential is configured to log in again");
        Failure store = new Failure.StoreFailure(Failure.StoreFailure.Reason.PERMISSION_DENIED, "NOPERM");

        assertThat(FailureNote.of(rejected, T).failure()).isInstanceOfSatisfying(Failure.Rejected.class, r -> {
            assertThat(r.subject()).isEqualTo(Failure.Subject.REFRESH_TOKEN);
            assertThat(r.describe()).contains("no API credential");
        });
        assertThat(FailureNote.of(store, T).failure()).isInstanceOfSatisfying(Failure.StoreFailure.class,
                f -> assertThat(f.reason()).isEqualTo(Failure.StoreFailure.Reason.PERMISSION_DENIED));
        assertThat(FailureNote.of(new Failure.NotConfigured("skew"), T).failure()).isInstanceOf(Failure.NotConfigured.class);
        assertThat(FailureNote.of(new Failure.Malformed("cut"), T).failure().retryable()).isTrue();
        Failure unavailable = FailureNote.of(new Failure.Unavailable(OptionalInt.of(429), Optional.of(Duration.ofSeconds(5)), "slow"), T)
                .failure();
        assertThat(unavailable).isInstanceOf(Failure.Unavailable.class);
        assertThat(unavailable.retryable()).isTrue();
    }
}
