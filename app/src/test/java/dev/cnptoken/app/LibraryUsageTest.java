package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The "Use as a library" documentation, executed: the wiring between the snippet markers is the
 * code block of {@code docs/library.md} (checked by {@link #theSnippetInDocsLibraryMdIsTheOneThisTestRuns}),
 * and it runs here against a real simulator. Also checks that the bom lists every published
 * artifact at the project's version.
 */
class LibraryUsageTest {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryUsageTest.class);
    private static final String SNIPPET_START = "// snippet:start";
    private static final String SNIPPET_END = "// snippet:end";
    private static final String DOC_MARKER = "<!-- snippet: LibraryUsageTest -->";
    private static final Path THIS_SOURCE = Path.of("app/src/test/java/dev/cnptoken/app/LibraryUsageTest.java");

    @TempDir
    Path tempDir;

    @Test
    void theDocumentedWiringServesLiveTokensFromTheSimulator() throws Exception {
        ApiCredential issued = Sentinels.credential();
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        try (FortiCnpSimulator simulator = FortiCnpSimulator.builder()
                .credential(issued)
                .accessTokenLifetime(Duration.ofMinutes(10))
                .start()) {
            URI baseUrl = simulator.baseUrl();
            Path stateDirectory = tempDir.resolve("state");
            Path credentialFile = Files.writeString(tempDir.resolve("credential"), issued.value() + "\n");

            // snippet:start
            // The transport (it owns an HTTP client: close it at shutdown) and the store.
            FeignTokenRefresher refresher = FeignTokenRefresher.builder()
                    .baseUrl(baseUrl) // FeignTokenRefresher.GLOBAL_BASE_URL or EU_BASE_URL in production
                    .build();
            FileTokenStore store = FileTokenStore.builder()
                    .directory(stateDirectory)
                    .build();
            // Asked whenever the engine has to log in: first use, a rejected or ageing refresh token.
            ApiCredential credential = new ApiCredential(Files.readString(credentialFile).strip());
            CredentialSource credentials = account -> Optional.of(credential);

            TokenEngine engine = TokenEngine.builder()
                    .refresher(refresher)
                    .store(store)
                    .credentials(credentials)
                    .listener(event -> LOG.info("cnp-token: {}", event))
                    .build();

            // A service asks for the token on every call: served from memory, refreshed ahead of expiry.
            AccountId account = AccountId.of("production");
            AccessToken current = engine.currentToken(account); // the first call logs in
            TokenHandle handle = engine.handle(account); // the same, as a Supplier<AccessToken>
            HttpResponse<String> resourceMap = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(baseUrl.resolve("/api/v1/resourceURLMap"))
                            .header("Authorization", "Bearer " + handle.get().value())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            // A scheduled job (here every 15 minutes) calls refresh instead: no token expires before its next run.
            RefreshOutcome outcome = engine.refresh(account, false, Duration.ofMinutes(15));
            if (!outcome.result().fresh()) {
                throw new IllegalStateException("cnp-token: " + outcome.failure().orElseThrow());
            }

            // At shutdown.
            engine.close();
            refresher.close();
            // snippet:end

            assertThat(simulator.isLive(current)).as("the token the engine served").isTrue();
            assertThat(resourceMap.statusCode()).as("FortiCNP call with the handle's token").isEqualTo(200);
            assertThat(simulator.grantCount(Endpoint.LOGIN)).isEqualTo(1);
            // a 10-minute token falls due within the job's 15-minute horizon: the job refreshed it
            assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
            assertThat(simulator.grantCount(Endpoint.REFRESH)).isEqualTo(1);

            // The state survives the process: another engine, on the other transport and with no
            // credential at all, serves the refreshed token from the file store without calling FortiCNP.
            AccessToken refreshed = FileTokenStore.builder().directory(stateDirectory).build()
                    .read(account).orElseThrow().state().accessToken();
            assertThat(refreshed).isNotEqualTo(current);
            try (RetrofitTokenRefresher other = RetrofitTokenRefresher.builder().baseUrl(baseUrl).build();
                    TokenEngine restarted = TokenEngine.builder()
                            .refresher(other)
                            .store(FileTokenStore.builder().directory(stateDirectory).build())
                            .credentials(CredentialSource.none())
                            .listener(events::add)
                            .build()) {
                AccessToken served = restarted.currentToken(account);
                assertThat(served).isEqualTo(refreshed);
                assertThat(simulator.isLive(served)).isTrue();
            }
            assertThat(simulator.grantCount(Endpoint.LOGIN)).isEqualTo(1);
            assertThat(simulator.grantCount(Endpoint.REFRESH)).isEqualTo(1);
            assertThat(events).noneMatch(e -> e instanceof TokenEvent.Failed);
        }
    }

    @Test
    void theSnippetInDocsLibraryMdIsTheOneThisTestRuns() throws IOException {
        Path root = repositoryRoot();
        String tested = normalise(snippetOfTestSource(Files.readAllLines(root.resolve(THIS_SOURCE))));
        String documented = normalise(snippetOfDoc(Files.readAllLines(root.resolve("docs/library.md"))));

        assertThat(tested).as("snippet in %s", THIS_SOURCE).contains("TokenEngine.builder()", "engine.handle(account)");
        assertThat(documented)
                .as("the code block after %s in docs/library.md must equal the test's snippet; copy it over", DOC_MARKER)
                .isEqualTo(tested);
    }

    @Test
    void theBomManagesEveryPublishedArtifactAtTheProjectVersion() throws Exception {
        Path root = repositoryRoot();
        Element parent = parse(root.resolve("pom.xml"));
        String version = text(parent, "version");
        Set<String> published = new LinkedHashSet<>();
        boolean bomListed = false;
        for (Element module : children(child(parent, "modules"), "module")) {
            String name = module.getTextContent().strip();
            if (name.equals("bom")) {
                bomListed = true;
                continue;
            }
            Element pom = parse(root.resolve(name).resolve("pom.xml"));
            Element properties = child(pom, "properties");
            boolean skipsInstall = properties != null && "true".equals(text(properties, "maven.install.skip"));
            if (!skipsInstall) {
                published.add(text(pom, "artifactId"));
            }
        }
        assertThat(bomListed).as("bom is a module of the parent").isTrue();
        assertThat(published).contains("cnp-token-domain", "cnp-token-app").doesNotContain("cnp-token-benchmarks");

        Element bom = parse(root.resolve("bom/pom.xml"));
        assertThat(child(bom, "parent")).as("the bom stands alone, so the parent's third-party versions stay out").isNull();
        assertThat(text(bom, "artifactId")).isEqualTo("cnp-token-bom");
        assertThat(text(bom, "packaging")).isEqualTo("pom");
        assertThat(text(bom, "version")).as("bom version = parent version").isEqualTo(version);
        assertThat(managedOwnArtifacts(bom, "${project.version}")).containsExactlyInAnyOrderElementsOf(published);
        assertThat(managedOwnArtifacts(parent, "${project.version}")).containsExactlyInAnyOrderElementsOf(published);
        for (String plugin : List.of("clean-plugin.version", "install-plugin.version", "deploy-plugin.version",
                "site-plugin.version")) {
            assertThat(text(child(bom, "properties"), plugin)).as(plugin)
                    .isEqualTo(text(child(parent, "properties"), plugin));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The nearest directory, from {@code user.dir} upwards, that holds {@code mvnw}. */
    private static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with mvnw above " + start);
    }

    private static List<String> snippetOfTestSource(List<String> lines) {
        int start = indexOfStripped(lines, SNIPPET_START, 0);
        int end = indexOfStripped(lines, SNIPPET_END, start + 1);
        assertThat(indexOfStripped(lines, SNIPPET_START, start + 1)).as("a second %s", SNIPPET_START).isEqualTo(-1);
        assertThat(start).as("%s in %s", SNIPPET_START, THIS_SOURCE).isNotNegative();
        assertThat(end).as("%s in %s", SNIPPET_END, THIS_SOURCE).isGreaterThan(start);
        return lines.subList(start + 1, end);
    }

    private static List<String> snippetOfDoc(List<String> lines) {
        int marker = indexOfStripped(lines, DOC_MARKER, 0);
        assertThat(marker).as("%s in docs/library.md", DOC_MARKER).isNotNegative();
        int fence = indexOfStripped(lines, "```java", marker + 1);
        assertThat(fence).as("a ```java block right after the marker").isEqualTo(marker + 1);
        int close = indexOfStripped(lines, "```", fence + 1);
        assertThat(close).as("the end of the code block").isGreaterThan(fence);
        return lines.subList(fence + 1, close);
    }

    private static int indexOfStripped(List<String> lines, String wanted, int from) {
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (lines.get(i).strip().equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    /** Drops the common indentation, trailing white space, and blank lines at either end. */
    static String normalise(List<String> lines) {
        List<String> trimmed = new ArrayList<>();
        for (String line : lines) {
            trimmed.add(line.stripTrailing());
        }
        while (!trimmed.isEmpty() && trimmed.get(0).isEmpty()) {
            trimmed.remove(0);
        }
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isEmpty()) {
            trimmed.remove(trimmed.size() - 1);
        }
        int indent = trimmed.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : trimmed) {
            out.append(line.isEmpty() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    private static Set<String> managedOwnArtifacts(Element project, String expectedVersion) {
        Set<String> ids = new LinkedHashSet<>();
        Element dependencies = child(child(project, "dependencyManagement"), "dependencies");
        for (Element dependency : children(dependencies, "dependency")) {
            // a test-jar (shared test support) is not a published artifact of its own
            boolean testJar = "test-jar".equals(text(dependency, "type"));
            if (text(dependency, "groupId").equals("dev.cnptoken") && !testJar) {
                assertThat(text(dependency, "version")).as(text(dependency, "artifactId")).isEqualTo(expectedVersion);
                assertThat(ids.add(text(dependency, "artifactId"))).as("listed once").isTrue();
            }
        }
        return ids;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }
}
