package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.job.PatientRefresh;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Prints an account's access token, refreshed first if needed.",
    "",
    "Standard output holds the token and nothing else, for a shell's $(...); every message goes to "
        + "standard error."
}, footerHeading = "%nExample:%n", footer = {
    "  curl -H \"Authorization: Bearer $(cnp-token token --account acme)\" \\",
    "       https://www.forticnp.com/api/v1/resourceURLMap"
})
final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AccountOptions.One account;

    @Option(names = "--max-wait", paramLabel = "DURATION",
            description = "when no valid token is held and FortiCNP fails transiently, keep retrying for up to this long;"
                    + " 0s for one attempt (default: max_wait, 1m)")
    String maxWait;

    @Override
    public Integer call() {
        Duration wait = maxWait == null ? null : Durations.parse(spec.commandLine(), "--max-wait", maxWait);
        AppConfig config = root.config();
        try (AppRuntime runtime = root.storeFirstRuntime(config)) {
            AccountId id = Accounts.one(spec.commandLine(), account.name, config, runtime.store());
            AccessToken token;
            try {
                token = runtime.engine().currentToken(id);
            } catch (TokenException e) {
                if (!e.failure().retryable()) {
                    throw e;
                }
                // No valid token, and trying again can help: retry within the budget, then serve or fail.
                new PatientRefresh(runtime.engine(), runtime.clock(), root.io.sleeper(), wait == null ? config.maxWait() : wait)
                        .refresh(id, false, Duration.ZERO);
                token = runtime.engine().currentToken(id);
            }
            root.io.out().println(token.value());
            return ExitCode.OK.code();
        }
    }
}
