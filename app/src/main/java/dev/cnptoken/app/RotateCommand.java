package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.job.RotateJob;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "rotate", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Refreshes every account that is due, once: a job for cron.",
    "",
    "An account is due when its access token is within the refresh margin, or falls within it before "
        + "--due-within has passed: set that to the job's interval. 'concurrency' accounts are refreshed at "
        + "once, and an account that fails transiently is retried for up to --max-wait. Safe to run as several processes at once: a lease in the store keeps them apart. Prints "
        + "one line per account and exits with the most serious outcome's code."
}, footerHeading = "%nExamples:%n", footer = {
    "  */5 * * * *  cnp-token rotate --due-within 5m       (a crontab line)",
    "  cnp-token rotate --account acme --force --dry-run"
})
final class RotateCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AccountOptions.Many accounts;

    @Option(names = "--all", description = "every configured and stored account (the default)")
    boolean all;

    @Option(names = "--force", description = "refresh even what is not due")
    boolean force;

    @Option(names = "--dry-run", description = "only show what would be done")
    boolean dryRun;

    @Option(names = "--due-within", paramLabel = "DURATION", defaultValue = "0s",
            description = "also refresh what falls due within this time; set it to the job's interval (default: ${DEFAULT-VALUE})")
    String dueWithin;

    @Option(names = "--max-wait", paramLabel = "DURATION",
            description = "keep retrying an account that fails transiently for up to this long, following the backoff and"
                    + " Retry-After, but not past the expiry of its token; 0s for one attempt (default: max_wait, 1m)")
    String maxWait;

    @Override
    public Integer call() {
        if (all && !accounts.noneNamed()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "use --account or --all, not both");
        }
        Duration horizon = Durations.parse(spec.commandLine(), "--due-within", dueWithin);
        Duration wait = maxWait == null ? null : Durations.parse(spec.commandLine(), "--max-wait", maxWait);
        AppConfig config = root.config();
        try (AppRuntime runtime = root.runtime(config)) {
            List<AccountId> targets = Accounts.resolve(spec.commandLine(), accounts.names(), config, runtime.store());
            if (targets.isEmpty()) {
                root.io.err().println("cnp-token: no accounts: configure 'accounts' or log one in with 'cnp-token login'");
                return ExitCode.CONFIG.code();
            }
            RotateJob job = new RotateJob(runtime.engine(), runtime.store(), runtime.credentials(), runtime.clock(), config.concurrency(),
                    root.io.sleeper(), wait == null ? config.maxWait() : wait);
            RotateJob.Report report = job.run(targets, force, horizon, dryRun);
            for (RotateJob.AccountResult r : report.accounts()) {
                StringBuilder line = new StringBuilder(String.format("%-24s %-14s", r.account(), r.action()));
                r.expiresAt().ifPresent(at -> line.append(" expires ").append(at));
                r.failure().ifPresent(f -> line.append(" ").append(f.describe()));
                root.io.out().println(line.toString().stripTrailing());
            }
            String still = report.exit() == ExitCode.TRANSIENT ? ": still failing; valid tokens keep being served" : "";
            root.io.out().println("rotate: " + report.accounts().size() + " accounts, exit " + report.exit().code()
                    + " (" + report.exit().name().toLowerCase(java.util.Locale.ROOT) + ") at " + Instant.now(runtime.clock()) + still);
            return report.exit().code();
        }
    }
}
