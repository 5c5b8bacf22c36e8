package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.port.TokenStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine;

/** Which accounts a command works on. */
final class Accounts {
    private Accounts() {}

    /**
     * The named accounts; else, with {@code all} or when none is named, the configured accounts plus
     * those in the store.
     */
    static List<AccountId> resolve(CommandLine cli, List<String> named, AppConfig config, TokenStore store) {
        if (named != null && !named.isEmpty()) {
            List<AccountId> ids = new ArrayList<>();
            for (String n : named) {
                ids.add(parse(cli, n));
            }
            return List.copyOf(new LinkedHashSet<>(ids));
        }
        LinkedHashSet<AccountId> all = new LinkedHashSet<>(config.accounts());
        all.addAll(store.accounts());
        return List.copyOf(all);
    }

    /** Exactly one account: the named one, or the only configured or stored one. */
    static AccountId one(CommandLine cli, String named, AppConfig config, TokenStore store) {
        if (named != null) {
            return parse(cli, named);
        }
        List<AccountId> candidates = resolve(cli, List.of(), config, store);
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw new CommandLine.ParameterException(cli, candidates.isEmpty()
                ? "--account is required (no account is configured or stored)"
                : "--account is required: there are " + candidates.size() + " accounts");
    }

    static AccountId parse(CommandLine cli, String name) {
        try {
            return AccountId.of(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--account: " + e.getMessage());
        }
    }
}
