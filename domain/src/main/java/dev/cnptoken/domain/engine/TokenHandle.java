package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One account's current access token, as a {@link Supplier}: {@link #get()} behaves exactly like
 * {@link TokenEngine#currentToken(AccountId)} for this account, minus the lookup. Thread-safe.
 * Obtain with {@link TokenEngine#handle(AccountId)}.
 */
public final class TokenHandle implements Supplier<AccessToken> {
    private final TokenEngine engine;
    private final AccountId account;
    /** The account's slot, looked up once. */
    private final Slot slot;
    /** The engine's coarse clock, or null: held here so the coarse hit path is one load shorter. */
    private final CoarseClock coarse;

    TokenHandle(TokenEngine engine, AccountId account, Slot slot, CoarseClock coarse) {
        this.engine = engine;
        this.account = account;
        this.slot = slot;
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
        AccessToken hit = coarse == null ? null : slot.hit(coarse.millis());
        return hit != null ? hit : engine.token(slot);
    }

    /**
     * The FortiCNP API refused {@code rejected}: a token to retry with, as {@link
     * TokenEngine#invalidate(AccountId, AccessToken)} for this account.
     *
     * @throws dev.cnptoken.domain.TokenException as {@link TokenEngine#invalidate(AccountId, AccessToken)}
     */
    public AccessToken invalidate(AccessToken rejected) {
        Objects.requireNonNull(rejected, "rejected == null");
        return engine.invalidate(account, rejected);
    }

    @Override
    public String toString() {
        return "TokenHandle[" + account + "]";
    }
}
