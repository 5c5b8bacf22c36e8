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
import java.util.concurrent.CountDownLatch;
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

    /** Counted down when the daemon should stop; tests stop it through {@link #stop()}. */
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        AppConfig config = root.config();
        InetSocketAddress address = listen == null ? config.listen() : parseListen(listen);
        AppRuntime runtime = root.runtime(config);
        Daemon daemon;
        try {
            List<AccountId> fixed = accounts == null ? List.of() : Accounts.resolve(spec.commandLine(), accounts, config, runtime.store());
            // Accounts found in the store (not only configured ones) get their gauges when discovered;
            // registering an account's gauges again is a no-op.
            daemon = new Daemon(runtime.engine(), () -> {
                        List<AccountId> found = fixed.isEmpty()
                                ? Accounts.resolve(spec.commandLine(), List.of(), config, runtime.store()) : fixed;
                        runtime.metrics().registerGauges(runtime::engine, found, runtime.clock());
                        return found;
                    },
                    runtime.clock(), runtime.registry(), address, config.concurrency(), Duration.ofMinutes(1), Duration.ofSeconds(30));
        } catch (RuntimeException | java.io.IOException e) {
            runtime.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cnp-token-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
            root.io.err().println("cnp-token: running; health and metrics on http://" + hostPort(daemon.address()) + "/healthz and /metrics");
            stop.await();
        } finally {
            daemon.close();
            runtime.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it waits for 'stopped', counted down above
            }
        }
        return ExitCode.OK.code();
    }

    /** Asks a running daemon to stop, as SIGTERM does. */
    void stop() {
        stop.countDown();
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
