package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.DaemonConfig;
import dev.cnptoken.app.daemon.Daemon;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Keeps every account fresh as a daemon, with /healthz and /metrics.",
    "",
    "Refreshes ahead of expiry with jitter and backs off on failure; stops cleanly on SIGTERM. "
        + "Several replicas may share one store. Without --account it works on all configured and stored "
        + "accounts, re-read every minute. Logs each event (refreshed, logged in, failed) on standard "
        + "error."
}, footerHeading = "%nExample:%n", footer = {
    "  CNP_STORE=redis CNP_REDIS_URL=redis://redis:6379 cnp-token run --listen 0.0.0.0:9464"
})
final class RunCommand implements Callable<Integer>, LongRunning {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address of /healthz and /metrics (default: the 'listen' key, 127.0.0.1:9464)")
    String listen;

    @Mixin
    AccountOptions.Many accounts;


    @Override
    public Integer call() throws Exception {
        AppConfig config = root.config();
        InetSocketAddress address = listen == null ? config.daemon().listen() : parseListen(listen);
        AppRuntime runtime = root.runtime(config);
        Daemon daemon;
        try {
            List<AccountId> named = accounts.noneNamed() ? List.of() : Accounts.resolve(spec.commandLine(), accounts.names(), config, runtime.store());
            // Named accounts only, or the configured ones at once and the store's as soon as it can be read.
            daemon = new Daemon(runtime.engine(), named.isEmpty() ? config.accounts() : named,
                    named.isEmpty() ? () -> runtime.store().accounts() : List::of,
                    runtime.clock(), runtime.registry(), address, config.concurrency(), Duration.ofMinutes(1), Duration.ofSeconds(30),
                    account -> runtime.metrics().watch(runtime.engine(), List.of(account)));
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        try (StopSignal stop = new StopSignal("cnp-token-shutdown")) {
            try {
                daemon.start();
                root.io.err().println("cnp-token: running; health and metrics on " + daemon.url() + "/healthz and /metrics"
                        + daemon.listenNote());
                stop.await();
            } finally {
                daemon.close();
                runtime.close();
            }
        }
        return ExitCode.OK.code();
    }

    private InetSocketAddress parseListen(String text) {
        try {
            return DaemonConfig.parseListen(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen: '" + text + "' is not host:port");
        }
    }
}
