package dev.cnptoken.domain.port;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import java.util.List;
import java.util.Optional;

/**
 * Where the state of each account lives, shared by every process that manages it.
 *
 * <p>What every implementation guarantees:
 *
 * <ul>
 *   <li><b>Atomic, linearizable compare-and-set per account.</b> {@link #compareAndSet} replaces the
 *       whole state of one account only if its version is still the expected one; concurrent
 *       callers, in this process or in others, cannot both succeed from the same version. A reader
 *       never sees a mix of two writes' fields in the state it gets back.
 *   <li><b>Visibility.</b> Once {@code compareAndSet} has returned {@link CasResult.Written}, every
 *       later {@link #read} from any process sees that state or a newer one.
 *   <li><b>Versions.</b> Every stored state has a positive version that changes with every write.
 *       The version of an absent account is {@link #ABSENT}.
 *   <li><b>Round trip.</b> Every field of {@link TokenState} reads back equal to what was written,
 *       instants to the millisecond.
 *   <li><b>Failures.</b> Every failure is a {@link TokenException} with a {@code StoreFailure}: no
 *       library exception escapes, and no message holds a secret. A lost race is not a failure.
 * </ul>
 *
 * Implementations are thread-safe. A store is {@link AutoCloseable} so that one which owns a client
 * (a Redis pool, say) can be closed by whoever built it; the default {@link #close()} does nothing,
 * and closing never throws a checked exception.
 */
public interface TokenStore extends AutoCloseable {
    /** The version that stands for "no state stored yet". */
    long ABSENT = 0L;

    /**
     * Reads one account's state.
     *
     * @return the state with its version, or empty when nothing is stored for the account
     * @throws TokenException with a {@code StoreFailure} when the store cannot be read
     */
    Optional<VersionedState> read(AccountId account);

    /**
     * Writes {@code next} as the state of {@code account} if, and only if, its stored version is
     * {@code expectedVersion} ({@link #ABSENT} to create it). Atomic: either the whole state is
     * written or nothing is.
     *
     * @return {@link CasResult.Written} with the new version, or {@link CasResult.Conflict} when the
     *     version had moved on
     * @throws TokenException with a {@code StoreFailure} when the store cannot be written. With any
     *     reason but {@link dev.cnptoken.domain.Failure.StoreFailure.Reason#OUTCOME_UNKNOWN} the
     *     write did not happen. With {@code OUTCOME_UNKNOWN} it may or may not have happened (the
     *     request was sent, the answer was lost): the caller reads the account again to find out
     *     and must not repeat the write blindly
     */
    CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next);

    /**
     * The accounts that have state in this store, sorted by name.
     *
     * @throws TokenException with a {@code StoreFailure} when the store cannot be read
     */
    List<AccountId> accounts();

    /**
     * Releases what this store owns (a connection pool); afterwards its calls may fail. Idempotent.
     * The default does nothing, for stores that own nothing (a directory, an in-memory map, a client
     * the caller passed in and closes itself).
     */
    @Override
    default void close() {}
}
