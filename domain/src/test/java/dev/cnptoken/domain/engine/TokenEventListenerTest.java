package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TokenEventListenerTest {
    private static final AccountId ACME = AccountId.of("acme");
    private static final TokenEvent EVENT = new TokenEvent.Adopted(ACME, Instant.parse("2026-01-01T00:30:00Z"));

    private static TokenEventListener failing() {
        return event -> {
            throw new IllegalStateException("listener bug");
        };
    }

    @Test
    void bothHandsEachEventToTheFirstThenTheSecond() {
        List<String> seen = new ArrayList<>();
        TokenEventListener both = TokenEventListener.both(e -> seen.add("first"), e -> seen.add("second"));

        both.onEvent(EVENT);

        assertThat(seen).containsExactly("first", "second");
    }

    @Test
    void aFailingListenerDoesNotKeepTheEventFromTheOthers() {
        List<TokenEvent> seen = new ArrayList<>();

        TokenEventListener.both(failing(), seen::add).onEvent(EVENT);
        TokenEventListener.of(List.of(seen::add, failing(), seen::add)).onEvent(EVENT);

        assertThat(seen).containsExactly(EVENT, EVENT, EVENT);
    }

    @Test
    void ofCopiesTheListSoLaterChangesDoNotCount() {
        List<TokenEvent> seen = new ArrayList<>();
        List<TokenEventListener> listeners = new ArrayList<>(List.of(seen::add));
        TokenEventListener all = TokenEventListener.of(listeners);
        listeners.add(seen::add);

        all.onEvent(EVENT);

        assertThat(seen).hasSize(1);
        TokenEventListener.of(List.of()).onEvent(EVENT); // an empty list ignores the event
    }

    @Test
    void refusesNullListeners() {
        assertThatThrownBy(() -> TokenEventListener.both(null, e -> {})).hasMessage("first == null");
        assertThatThrownBy(() -> TokenEventListener.both(e -> {}, null)).hasMessage("second == null");
        assertThatThrownBy(() -> TokenEventListener.of(null)).hasMessage("listeners == null");
        assertThatThrownBy(() -> TokenEventListener.of(Arrays.asList(e -> {}, null))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anEngineWithComposedListenersReportsToEveryOneEvenPastAFailingOne() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<TokenEvent> metrics = new CopyOnWriteArrayList<>();
        List<TokenEvent> log = new CopyOnWriteArrayList<>();
        TokenEngine engine = TokenEngine.builder()
                .refresher(new ScriptedRefresher(clock))
                .store(new InMemoryTokenStore())
                .clock(clock)
                .credentials(account -> Optional.of(new ApiCredential("good-credential-1")))
                .listener(TokenEventListener.of(List.of(metrics::add, failing(), log::add)))
                .build();

        engine.currentToken(ACME);

        assertThat(metrics).hasAtLeastOneElementOfType(TokenEvent.LoggedIn.class);
        assertThat(log).isEqualTo(metrics);
    }
}
