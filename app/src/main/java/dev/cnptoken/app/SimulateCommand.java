package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.observe.Logging;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Runs the FortiCNP simulator for integration tests.",
    "",
    "Serves the authentication API as documented until stopped with Ctrl-C or SIGTERM. The API "
        + "credential it accepts is read from --credential-file, or generated and written there. It sets "
        + "TCP_NODELAY for its server (sun.net.httpserver.nodelay=true) unless the JVM was started with a "
        + "value; it logs only warnings (--verbose: its own requests)."
}, footerHeading = "%nExample:%n", footer = {
    "  cnp-token simulate --port 8080 --credential-file sim-credential.txt"
})
final class SimulateCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--https", description = "serve HTTPS with a self-signed certificate made at start (written next to the credential file)")
    boolean https;

    @Option(names = "--access-lifetime", defaultValue = "30m", paramLabel = "DURATION", description = "access-token lifetime (default: ${DEFAULT-VALUE})")
    String accessLifetime;

    @Option(names = "--refresh-lifetime", defaultValue = "8h", paramLabel = "DURATION", description = "refresh-token lifetime (default: ${DEFAULT-VALUE})")
    String refreshLifetime;

    @Option(names = "--rotate-refresh-tokens", description = "answer refreshes with a new refresh token")
    boolean rotate;

    @Option(names = "--latency", defaultValue = "0s", paramLabel = "DURATION",
            description = "hold back every answer this long, as if FortiCNP were that far away, e.g. 25ms (default: ${DEFAULT-VALUE})")
    String latency;

    @Option(names = "--credential-file", defaultValue = "simulator-credential.txt", paramLabel = "FILE",
            description = "the accepted API credential; created with a random one if missing (default: ${DEFAULT-VALUE})")
    Path credentialFile;


    @Override
    public Integer call() throws Exception {
        // stdout is the story; libraries (and the JDK's HTTP server) stay at WARN on stderr
        Logging.configure("json".equalsIgnoreCase(root.logFormat) ? AppConfig.LogFormat.JSON : AppConfig.LogFormat.TEXT, root.verbose);
        // Without TCP_NODELAY the JDK HTTP server makes every answer wait ~40 ms for the client's
        // delayed ACK; read when the first server starts, so set here where the process starts.
        if (System.getProperty(FortiCnpSimulator.NODELAY_PROPERTY) == null) {
            System.setProperty(FortiCnpSimulator.NODELAY_PROPERTY, "true");
        }
        ApiCredential credential = credential();
        FortiCnpSimulator.Builder b = FortiCnpSimulator.builder()
                .port(port)
                .bindAddress(InetAddress.getByName(bind))
                .https(https)
                .accessTokenLifetime(Durations.parse(spec.commandLine(), "--access-lifetime", accessLifetime))
                .refreshTokenLifetime(Durations.parse(spec.commandLine(), "--refresh-lifetime", refreshLifetime))
                .rotateRefreshTokens(rotate)
                .latency(Durations.parse(spec.commandLine(), "--latency", latency))
                .credential(credential);
        try (StopSignal stop = new StopSignal("cnp-token-simulator-shutdown"); FortiCnpSimulator sim = b.start()) {
            root.io.out().println("FortiCNP simulator on " + sim.baseUrl());
            if (!sim.latency().isZero()) {
                root.io.out().println("every answer held back " + sim.latency().toMillis() + " ms");
            }
            root.io.out().println("API credential in " + credentialFile.toAbsolutePath());
            if (https) {
                Path pem = credentialFile.toAbsolutePath().resolveSibling("simulator-ca.pem");
                FortiCnpSimulator.writeCertificatePem(pem);
                root.io.out().println("certificate to trust (ca_file) in " + pem);
            }
            root.io.out().println("try: CNP_BASE_URL=" + sim.baseUrl()
                    + (https ? " CNP_CA_FILE=" + credentialFile.toAbsolutePath().resolveSibling("simulator-ca.pem") : "")
                    + " ./cnp-token login --account demo --credential-file " + credentialFile);
            root.io.out().flush();
            stop.await();
        }
        return ExitCode.OK.code();
    }

    private ApiCredential credential() throws IOException {
        if (Files.isRegularFile(credentialFile)) {
            return new ApiCredential(Files.readString(credentialFile, StandardCharsets.UTF_8).strip());
        }
        ApiCredential generated = new ApiCredential(UUID.randomUUID().toString());
        Path parent = credentialFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(credentialFile, generated.value() + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(credentialFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on non-POSIX file systems
        }
        return generated;
    }
}
