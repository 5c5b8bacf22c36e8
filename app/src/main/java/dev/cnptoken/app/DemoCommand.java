package dev.cnptoken.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.app.wiring.Transports;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.SteppingClock;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Shows cnp-token at work, offline, against a FortiCNP simulator.",
    "",
    "Starts the FortiCNP simulator on a free loopback port, keeps one account's token fresh in a file "
        + "store in a temporary directory, and fast-forwards a simulated clock through refreshes, an outage "
        + "and the refresh token's 8-hour cycle. Tokens are shown redacted."
}, footerHeading = "%nExamples:%n", footer = {
    "  cnp-token demo",
    "  cnp-token demo --transport retrofit --keep      (keeps the store directory to look at)"
})
final class DemoCommand implements Callable<Integer> {
    private static final AccountId ACCOUNT = AccountId.of("demo");
    private static final Duration ACCESS_LIFETIME = Duration.ofMinutes(30);
    private static final Duration REFRESH_LIFETIME = Duration.ofHours(8);

    @ParentCommand
    CnpTokenCommand root;

    @Option(names = "--keep", description = "keep the temporary store directory")
    boolean keep;

    private final List<TokenEvent> events = new CopyOnWriteArrayList<>();
    private PrintStream out;

    @Override
    public Integer call() throws Exception {
        // the demo tells its own story on standard output; config() leaves only warnings to the log
        // (cnp-token's debug lines too with --verbose)
        AppConfig config = root.config();
        out = root.io.out();
        SteppingClock clock = SteppingClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ApiCredential credential = new ApiCredential("demo-" + UUID.randomUUID());
        Path dir = Files.createTempDirectory("cnp-token-demo-");
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder()
                        .clock(clock)
                        .port(0)
                        .accessTokenLifetime(ACCESS_LIFETIME)
                        .refreshTokenLifetime(REFRESH_LIFETIME)
                        .credential(credential)
                        .start();
                AppRuntime runtime = AppRuntime.create(config, clock, Transports.create(config, sim.baseUrl()),
                        FileTokenStore.builder().directory(dir).build(), events::add)) {
            Instant t0 = clock.instant();
            TokenEngine engine = runtime.engine();
            out.println("cnp-token demo: offline, against a FortiCNP simulator on " + sim.baseUrl());
            out.println("  simulated clock from " + t0 + "; access tokens live 30 min, refresh tokens 8 h");
            out.println("  transport " + lower(config.forticnp().transport()) + ", file store in " + dir);
            out.println();

            out.println("1. Log in with the API credential (Get Credentials Token)");
            VersionedState first = engine.login(ACCOUNT, credential, true);
            out.println("   access token  " + first.state().accessToken() + ", expires " + at(t0, first.state().accessExpiresAt()));
            out.println("   refresh token " + first.state().refreshToken() + ", expires "
                    + at(t0, engine.refreshTokenExpiresAt(first.state())));
            out.println("   the credential is kept in the store's refresh-side record, so the engine can log in again");
            events.clear();

            out.println("2. Serve it from memory: 10,000 requests for the token");
            for (int i = 0; i < 10_000; i++) {
                engine.currentToken(ACCOUNT);
            }
            out.println("   calls to FortiCNP: " + calls(sim) + " (only the login)");

            out.println("3. 26 minutes later the token is within its refresh margin: refresh ahead of expiry");
            clock.advance(Duration.ofMinutes(26));
            AccessToken refreshed = engine.currentToken(ACCOUNT);
            out.println("   " + at(t0, clock.instant()) + " new access token " + refreshed + ", expires "
                    + at(t0, engine.health(ACCOUNT).accessExpiresAt().orElseThrow()));
            drain(t0);

            out.println("4. FortiCNP answers 503 at the next refresh: keep serving the valid token, back off, recover");
            sim.injectFault(FortiCnpSimulator.Endpoint.REFRESH, FortiCnpFault.answer(503, "text/html", "<html>maintenance</html>"), 2);
            clock.advance(Duration.ofMinutes(26));
            AccessToken stale = engine.currentToken(ACCOUNT);
            out.println("   " + at(t0, clock.instant()) + " still serving " + stale + " (stale: "
                    + engine.health(ACCOUNT).servingStale() + ")");
            drain(t0);
            for (int i = 0; i < 3 && engine.health(ACCOUNT).servingStale(); i++) {
                Instant next = engine.health(ACCOUNT).nextAttemptAt().orElse(clock.instant());
                clock.set(next);
                engine.refresh(ACCOUNT, false);
                drain(t0);
            }
            out.println("   recovered: serving " + engine.currentToken(ACCOUNT) + ", stale: " + engine.health(ACCOUNT).servingStale());

            out.println("5. Fast-forward 9 hours in 5-minute steps: refresh-ahead with jitter, and a new login");
            out.println("   before the refresh token's 8 hours run out");
            int expiredServed = 0;
            Instant end = clock.instant().plus(Duration.ofHours(9));
            while (clock.instant().isBefore(end)) {
                clock.advance(Duration.ofMinutes(5));
                RefreshOutcome o = engine.refresh(ACCOUNT, false);
                AccessToken t = engine.currentToken(ACCOUNT);
                if (!sim.isLive(t)) {
                    expiredServed++;
                }
                if (o.result() != RefreshOutcome.Result.NOT_DUE) {
                    drain(t0);
                }
            }
            out.println("   tokens served that FortiCNP no longer accepted: " + expiredServed);

            out.println("6. Smoke check: GET /api/v1/resourceURLMap with the current token");
            HttpResponse<String> smoke = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/resourceURLMap"))
                            .header("Authorization", "Bearer " + engine.currentToken(ACCOUNT).value())
                            .header("Content-Type", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println("   HTTP " + smoke.statusCode());

            Path file = dir.resolve(ACCOUNT.name() + ".json");
            out.println("7. What the store holds (" + file + "), secrets redacted:");
            out.println(indent(redacted(Files.readString(file))));
            TokenState s = runtime.store().read(ACCOUNT).orElseThrow().state();
            out.println();
            out.println("Done: " + sim.grantCount(FortiCnpSimulator.Endpoint.LOGIN) + " logins, "
                    + sim.grantCount(FortiCnpSimulator.Endpoint.REFRESH) + " refreshes over "
                    + Duration.between(t0, clock.instant()).toHours() + " simulated hours; token valid until "
                    + at(t0, s.accessExpiresAt()) + ".");
            return smoke.statusCode() == 200 && expiredServed == 0 ? ExitCode.OK.code() : ExitCode.INTERNAL.code();
        } finally {
            if (!keep) {
                deleteTree(dir);
            }
        }
    }

    private void drain(Instant t0) {
        List<TokenEvent> seen = new ArrayList<>(events);
        events.removeAll(seen);
        for (TokenEvent e : seen) {
            String line;
            if (e instanceof TokenEvent.Refreshed r) {
                line = "refreshed, new token expires " + at(t0, r.expiresAt());
            } else if (e instanceof TokenEvent.LoggedIn l) {
                line = "logged in (" + l.reason() + "), new token expires " + at(t0, l.expiresAt());
            } else if (e instanceof TokenEvent.Failed f) {
                line = "refresh failed: " + f.failure().describe() + "; retry in " + f.retryIn().toMillis() + " ms";
            } else if (e instanceof TokenEvent.ServingStale st) {
                line = "serving the still-valid token until " + at(t0, st.validUntil());
            } else {
                line = e.getClass().getSimpleName();
            }
            out.println("   " + line);
        }
    }

    private long calls(FortiCnpSimulator sim) {
        return sim.requestCount(FortiCnpSimulator.Endpoint.LOGIN) + sim.requestCount(FortiCnpSimulator.Endpoint.REFRESH);
    }

    /** A time as an offset from the start of the demo, e.g. {@code T+07:30:00}. */
    private static String at(Instant t0, Instant t) {
        Duration d = Duration.between(t0, t);
        return String.format("T+%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private static String redacted(String json) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode node = mapper.readTree(json);
        redact(node);
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            List<String> secrets = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (List.of("access_token", "refresh_token", "credential").contains(f.getKey()) && f.getValue().isTextual()) {
                    secrets.add(f.getKey());
                } else {
                    redact(f.getValue());
                }
            }
            secrets.forEach(k -> o.put(k, "[redacted]"));
        }
    }

    private static String indent(String s) {
        return "   " + s.replace("\n", "\n   ");
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
