package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * One account's current access token, as a {@link Supplier}: {@link #get()} behaves exactly like
 * {@link TokenEngine#currentToken(AccountId)} for this account, minus the lookup. Thread-safe.
 * Obtain with {@link TokenEngine#handle(AccountId)}.
 */
public final class TokenHandle implements Supplier<AccessToken> {
    private final TokenEngine engine;
    private final AccountId account;
    private final TokenEngine.Slot slot;
    private final Clock clock;
    /** The engine's coarse clock, or null when it reads the clock on every call. */
    private final CoarseClock coarse;

    TokenHandle(TokenEngine engine, AccountId account, TokenEngine.Slot slot, Clock clock, CoarseClock coarse) {
        this.engine = engine;
        this.account = account;
        this.slot = slot;
        this.clock = clock;
        this.coarse = coarse;
    }

    /** The account this handle serves. */
    public AccountId account() {
        return account;
    }

    /**
     * A valid access token.
     *
     * @throws dev.cnptoken.domain.TokenException as {@link TokenEngine#currentToken(AccountId)}
     */
    @Override
    public AccessToken get() {
        TokenEngine.Cached c = slot.cached;
        if (c != null && (coarse != null ? coarse.millis() : clock.millis()) < c.serveUntil) {
            return c.token;
        }
        return engine.slowToken(account);
    }

    @Override
    public String toString() {
        return "TokenHandle[" + account + "]";
    }
}
