package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import java.util.function.Supplier;

/**
 * One account's current access token, as a {@link Supplier}: {@link #get()} behaves exactly like
 * {@link TokenEngine#currentToken(AccountId)} for this account, minus the lookup. Thread-safe.
 * Obtain with {@link TokenEngine#handle(AccountId)}.
 */
public final class TokenHandle implements Supplier<AccessToken> {
    private final TokenEngine engine;
    private final AccountId account;
    private final Object slot;

    TokenHandle(TokenEngine engine, AccountId account, Object slot) {
        this.engine = engine;
        this.account = account;
        this.slot = slot;
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
        return engine.currentToken(account, slot);
    }

    @Override
    public String toString() {
        return "TokenHandle[" + account + "]";
    }
}
