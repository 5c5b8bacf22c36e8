package dev.cnptoken.app;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --account} option, declared once per shape and mixed into the commands that take it
 * ({@code @Mixin}), so every command spells, labels and describes it the same way.
 */
final class AccountOptions {
    private AccountOptions() {}

    /** Repeatable {@code --account}: the accounts a command works on; none named means all. */
    static final class Many {
        @Option(names = "--account", paramLabel = "ACCOUNT",
                description = "an account (repeatable); default: all configured and stored accounts")
        List<String> names;

        /** The named accounts, empty when none was named. */
        List<String> names() {
            return names == null ? List.of() : List.copyOf(names);
        }

        /** Whether the command line named no account. */
        boolean noneNamed() {
            return names == null || names.isEmpty();
        }
    }

    /** Optional single {@code --account}: may be left out when only one account is configured or stored. */
    static final class One {
        @Option(names = "--account", paramLabel = "ACCOUNT",
                description = "the account; optional when only one is configured or stored")
        String name;
    }

    /** Required single {@code --account}. */
    static final class Required {
        @Option(names = "--account", paramLabel = "ACCOUNT", required = true, description = "the account")
        String name;
    }
}
