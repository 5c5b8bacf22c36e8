package dev.cnptoken.domain.port;

import dev.cnptoken.domain.VersionedState;
import java.util.Objects;

/** The answer of {@link TokenStore#compareAndSet}: written, or lost to another writer. */
public sealed interface CasResult permits CasResult.Written, CasResult.Conflict {

    /** Whether the write took place. */
    boolean written();

    /**
     * The write took place.
     *
     * @param state what is now stored, with its new version
     */
    record Written(VersionedState state) implements CasResult {
        public Written {
            Objects.requireNonNull(state, "state == null");
        }

        @Override
        public boolean written() {
            return true;
        }
    }

    /** The stored version was not the expected one (or the account was absent, or present when absence was expected). Nothing was written. */
    record Conflict() implements CasResult {
        @Override
        public boolean written() {
            return false;
        }
    }
}
