package dev.cnptoken.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.engine.TokenEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Shows each account's token expiry, last refresh and last error.",
    "",
    "Per account, from the store: access-token expiry, refresh-token age and expiry, last refresh, "
        + "last error class, lease. Never a secret. Exit 0 when every account holds a valid token, 5 when an account's last refresh was rejected (a "
        + "human must act), 4 when a token has expired."
}, footerHeading = "%nExamples:%n", footer = {
    "  cnp-token status",
    "  cnp-token status --account acme --json | jq '.accounts[0].access_expires_in_s'"
})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AccountOptions.Many accounts;

    @Option(names = "--json", description = "one JSON document on standard output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        AppConfig config = root.config();
        try (AppRuntime runtime = root.storeFirstRuntime(config)) {
            List<AccountId> targets = Accounts.resolve(spec.commandLine(), accounts.names(), config, runtime.store());
            Instant now = runtime.clock().instant();
            List<Map<String, Object>> rows = new ArrayList<>();
            List<ExitCode> codes = new ArrayList<>();
            for (AccountId a : targets) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("account", a.name());
                try {
                    Optional<VersionedState> v = runtime.store().read(a);
                    if (v.isEmpty()) {
                        row.put("state", "not_logged_in");
                        codes.add(ExitCode.CONFIG);
                    } else {
                        TokenState state = v.get().state();
                        describe(row, state, runtime.engine(), now);
                        if (needsHuman(state)) {
                            codes.add(ExitCode.REJECTED);
                        } else if (!state.accessValidAt(now)) {
                            codes.add(ExitCode.TRANSIENT);
                        }
                    }
                } catch (TokenException e) {
                    row.put("state", "unreadable");
                    row.put("error", Map.of("kind", e.failure().kind(), "detail", e.failure().describe()));
                    codes.add(ExitCode.of(e.failure()));
                }
                rows.add(row);
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("at", now.toString());
                doc.put("accounts", rows);
                root.io.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                if (rows.isEmpty()) {
                    root.io.out().println("no accounts configured or stored");
                }
                for (Map<String, Object> row : rows) {
                    root.io.out().println(text(row));
                }
            }
            return ExitCode.worst(codes).code();
        }
    }

    /**
     * Whether the last failure was a rejection: a dead refresh token with no credential to log in
     * again, or a refused credential. The engine cannot recover by itself; a human must act.
     */
    private static boolean needsHuman(TokenState s) {
        return s.lastFailure().map(f -> f.failure() instanceof Failure.Rejected).orElse(false);
    }

    private static void describe(Map<String, Object> row, TokenState s, TokenEngine engine, Instant now) {
        row.put("state", s.accessValidAt(now) ? "valid" : "expired");
        row.put("access_expires_at", s.accessExpiresAt().toString());
        row.put("access_expires_in_s", Duration.between(now, s.accessExpiresAt()).toSeconds());
        row.put("refresh_due_at", engine.refreshDueAt(s).toString());
        row.put("last_refresh", s.updatedAt().toString());
        row.put("refresh_token_issued_at", s.refreshIssuedAt().toString());
        row.put("refresh_token_age_s", Duration.between(s.refreshIssuedAt(), now).toSeconds());
        row.put("refresh_token_expires_at", engine.refreshTokenExpiresAt(s).toString());
        row.put("credential_in_store", s.credential().isPresent());
        s.lastFailure().ifPresent(f -> row.put("last_error", Map.of("kind", f.kind(), "detail", f.detail(), "at", f.at().toString())));
        s.lease().ifPresent(l -> row.put("lease", Map.of("owner", l.owner(), "until", l.until().toString())));
    }

    private static String text(Map<String, Object> row) {
        StringBuilder b = new StringBuilder(String.format("%-24s %-14s", row.get("account"), row.get("state")));
        if (row.containsKey("access_expires_at")) {
            b.append(" expires ").append(row.get("access_expires_at")).append(" (in ").append(row.get("access_expires_in_s")).append(" s)");
            b.append(", refresh token age ").append(Duration.ofSeconds((Long) row.get("refresh_token_age_s")).toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            b.append(", last refresh ").append(row.get("last_refresh"));
        }
        Object err = row.containsKey("last_error") ? row.get("last_error") : row.get("error");
        if (err instanceof Map<?, ?> m) {
            b.append(", last error ").append(m.get("kind"));
        }
        if (row.get("lease") instanceof Map<?, ?> l) {
            b.append(", lease held by ").append(l.get("owner"));
        }
        return b.toString();
    }
}
