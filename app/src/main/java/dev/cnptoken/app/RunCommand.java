package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {
    "Daemon: keeps every account fresh (refresh-ahead with jitter, backoff), serves /healthz and /metrics,",
    "and stops cleanly on SIGTERM. Several replicas may share one store."
})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address of /healthz and /metrics (default: the 'listen' key, 127.0.0.1:9464)")
    String listen;

    @Option(names = "--account", description = "an account (repeatable); default: all configured and stored accounts, re-read every minute")
    List<String> accounts;


    @Override
    public Integer call() throws Exception {
        AppConfig config = root.config();
        InetSocketAddress address = listen == null ? config.daemon().listen() : parseListen(listen);
        AppRuntime runtime = root.runtime(config);
        Daemon daemon;
        try {
            List<AccountId> fixed = accounts == null ? List.of() : Accounts.resolve(spec.commandLine(), accounts, config, runtime.store());
            daemon = new Daemon(runtime.engine(),
                    () -> fixed.isEmpty() ? Accounts.resolve(spec.commandLine(), List.of(), config, runtime.store()) : fixed,
                    runtime.clock(), runtime.registry(), address, config.concurrency(), Duration.ofMinutes(1), Duration.ofSeconds(30),
                    account -> runtime.metrics().watch(runtime.engine(), List.of(account)));
        } catch (RuntimeException | java.io.IOException e) {
            runtime.close();
            throw e;
        }
        try (StopSignal stop = new StopSignal("cnp-token-shutdown")) {
            try {
                daemon.start();
                root.io.err().println("cnp-token: running; health and metrics on http://" + hostPort(daemon.address())
                        + "/healthz and /metrics");
                stop.await();
            } finally {
                daemon.close();
                runtime.close();
            }
        }
        return ExitCode.OK.code();
    }

    private InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        try {
            return new InetSocketAddress(colon <= 0 ? "0.0.0.0" : text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen: '" + text + "' is not host:port");
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
