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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Version.class, usageHelpWidth = 100, description = {
    "Runs the FortiCNP simulator for integration tests.",
    "",
    "Serves the authentication API as documented until stopped with Ctrl-C or SIGTERM. The API "
        + "credential it accepts is read from --credential-file, or generated and written there. It also "
        + "serves GET /api/v1/resourceURLMap and the data call POST /api/v2/finding/list (bearer token plus "
        + "companyId and roleId headers), and an admin API under /_sim/ (see below). It sets TCP_NODELAY for "
        + "its server (sun.net.httpserver.nodelay=true) unless the JVM was started with a value; it logs only "
        + "warnings (--verbose: its own requests)."
}, footerHeading = "%nExample:%n", footer = {
    "  cnp-token simulate --port 8080 --credential-file sim-credential.txt",
    "",
    "Admin API (JSON in and out; loopback clients only unless --admin any; add --cacert with --https):",
    "  S=http://127.0.0.1:8080/_sim",
    "  curl $S/counters                  # per endpoint: requests, granted, byStatus",
    "  curl -X POST $S/faults -H 'Content-Type: application/json' -d \\",
    "    '{\"endpoint\":\"refresh\",\"times\":2,\"type\":\"empty-body\",\"status\":503,\"retryAfter\":\"1\"}'",
    "  curl $S/faults                    # pending faults per endpoint, fault types",
    "  curl -X DELETE $S/faults          # drop every pending fault",
    "  curl -X POST $S/revoke/access-tokens     # also refresh-tokens, credentials",
    "  printf '{\"token\":\"%%s\"}' \"$TOKEN\" | curl -X POST $S/revoke/access-token -d @-",
    "  printf '{\"token\":\"%%s\"}' \"$REFRESH\" | curl -X POST $S/revoke/refresh-token -d @-",
    "  printf '{\"credential\":\"%%s\"}' \"$(cat simulator-credential.txt)\" \\",
    "    | curl -X POST $S/revoke/credential -d @-",
    "Fault types: answer, oauth-error, html-error-page, empty-body, delay, malformed-json,",
    "missing-field, expires, unknown-fields, close-mid-response, trickle, oversized-body; any takes",
    "retryAfter and delayMillis. Endpoints: login, refresh, resource-url-map, finding-list.",
    "Secrets go in the body (from stdin above), never in the URL; they are not logged."
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

    @Option(names = "--admin", defaultValue = "loopback", paramLabel = "off|loopback|any",
            description = "who may call the admin API under /_sim/ (default: ${DEFAULT-VALUE})")
    String admin;

    @Option(names = "--company", paramLabel = "ID=NAME",
            description = "a company of the resource map (repeatable; default: 1001=Simulated Company)")
    List<String> companies = new ArrayList<>();

    @Option(names = "--role-id", defaultValue = "1", paramLabel = "N", description = "the resource map's roleId (default: ${DEFAULT-VALUE})")
    long roleId;

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
                .credential(credential)
                .adminAccess(adminAccess())
                .roleId(roleId);
        for (String company : companies) {
            int eq = company.indexOf('=');
            long id;
            try {
                id = Long.parseLong(company.substring(0, Math.max(eq, 0)).strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (eq < 1 || id < 0 || company.substring(eq + 1).isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--company: '" + company + "' is not ID=NAME, e.g. 1001=Acme");
            }
            b.company(id, company.substring(eq + 1).strip());
        }
        try (StopSignal stop = new StopSignal("cnp-token-simulator-shutdown"); FortiCnpSimulator sim = b.start()) {
            root.io.out().println("FortiCNP simulator on " + sim.baseUrl());
            if (!sim.latency().isZero()) {
                root.io.out().println("every answer held back " + sim.latency().toMillis() + " ms");
            }
            root.io.out().println("API credential in " + credentialFile.toAbsolutePath());
            sim.adminUrl().ifPresent(url -> root.io.out().println("admin API on " + url
                    + (sim.adminAccess() == FortiCnpSimulator.AdminAccess.ANY ? " (any client)" : " (loopback clients only)")));
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

    private FortiCnpSimulator.AdminAccess adminAccess() {
        for (FortiCnpSimulator.AdminAccess a : FortiCnpSimulator.AdminAccess.values()) {
            if (a.name().equalsIgnoreCase(admin.strip())) {
                return a;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--admin: '" + admin + "' is not off, loopback or any");
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
