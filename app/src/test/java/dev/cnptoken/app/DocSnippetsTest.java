package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every {@code ```java} block of {@code README.md} and {@code docs/*.md}, compiled against the test
 * classpath (every module), and the ones marked {@code <!-- run -->} run against a FortiCNP
 * simulator.
 *
 * <p>A block of statements is compiled as the body of a method that may throw anything, in a class
 * that imports every cnp-token package and the JDK packages the docs use ({@link #IMPORTS}); a block
 * that starts with {@code package}, {@code import} or a type declaration is compiled as a file of
 * its own. HTML comments on the lines right above the fence say more:
 *
 * <ul>
 *   <li>{@code <!-- given: URI baseUrl, Path stateDirectory -->}: the variables the block uses
 *       without declaring them (the method's parameters);
 *   <li>{@code <!-- run -->}: run the block, with the given variables taken from {@link
 *       #runFixture} by name;
 *   <li>{@code <!-- not compiled: reason -->}: a deliberately partial block, left out; the reason is
 *       required.
 * </ul>
 */
class DocSnippetsTest {
    static final String IMPORTS = """
            import dev.cnptoken.adapters.http.common.*;
            import dev.cnptoken.adapters.http.feign.*;
            import dev.cnptoken.adapters.http.retrofit.*;
            import dev.cnptoken.adapters.store.file.*;
            import dev.cnptoken.adapters.store.redis.*;
            import dev.cnptoken.adapters.store.vault.*;
            import dev.cnptoken.domain.*;
            import dev.cnptoken.domain.credentials.*;
            import dev.cnptoken.domain.engine.*;
            import dev.cnptoken.domain.port.*;
            import dev.cnptoken.domain.store.*;
            import dev.cnptoken.micrometer.*;
            import dev.cnptoken.simulator.*;
            import dev.cnptoken.simulator.FortiCnpSimulator.*;
            import feign.Client;
            import feign.Feign;
            import io.micrometer.core.instrument.MeterRegistry;
            import okhttp3.OkHttpClient;
            import retrofit2.Retrofit;
            import java.net.*;
            import java.net.http.*;
            import java.nio.file.*;
            import java.time.*;
            import java.time.Clock;
            import java.util.*;
            import org.slf4j.Logger;
            import org.slf4j.LoggerFactory;
            """;
    private static final Pattern COMMENT = Pattern.compile("<!--(.*)-->");
    private static final Pattern UNIT_START =
            Pattern.compile("(package|import|public|class|record|interface|enum)\\b.*");

    @TempDir
    Path tempDir;

    /**
     * One {@code ```java} block.
     *
     * @param doc the file, relative to the repository root
     * @param line the 1-based line of the opening fence
     * @param code the lines between the fences
     * @param given the parameters from {@code <!-- given: ... -->}, as written
     * @param run whether it is marked {@code <!-- run -->}
     * @param notCompiled the reason from {@code <!-- not compiled: ... -->}, if marked so
     */
    record Block(String doc, int line, List<String> code, List<String> given, boolean run, Optional<String> notCompiled) {
        String className() {
            return "Snippet_" + doc.replaceAll("[^A-Za-z0-9]", "_") + "_" + line;
        }

        boolean isCompilationUnit() {
            return code.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//")).findFirst()
                    .map(l -> UNIT_START.matcher(l).matches()).orElse(false);
        }

        /** The Java source compiled for this block: {@link #header()}, the block, a closing. */
        String source() {
            return header() + String.join("\n", code) + (isCompilationUnit() ? "\n" : "\n    }\n}\n");
        }

        /** What comes before the block's first line: a package, the imports, for statements a class and a method. */
        String header() {
            if (isCompilationUnit()) {
                // a package per block, so that two files may declare the same type
                return "package docsnippets." + className().toLowerCase(Locale.ROOT) + ";\n" + IMPORTS;
            }
            return "package docsnippets;\n" + IMPORTS + "public final class " + className() + " {\n"
                    + "    public static void run(" + String.join(", ", given) + ") throws Exception {\n";
        }

        /** The doc line of line {@code n} (1-based) of {@link #source()}. */
        long docLine(long n) {
            return line + n - header().lines().count();
        }

        String where() {
            return doc + ":" + line;
        }
    }

    @Test
    void everyJavaBlockInTheDocsCompilesOrSaysWhyNot() throws IOException {
        List<Block> blocks = blocksOfTheDocs();
        assertThat(blocks).as("```java blocks found in README.md and docs/*.md").hasSizeGreaterThanOrEqualTo(7);
        List<Block> compiled = blocks.stream().filter(b -> b.notCompiled().isEmpty()).toList();
        assertThat(compiled).as("blocks compiled").hasSizeGreaterThanOrEqualTo(6);

        List<String> errors = compile(compiled, tempDir.resolve("classes"));

        assertThat(errors).as("compile errors in the docs' Java blocks (mark a deliberately partial block with"
                + " <!-- not compiled: reason -->)").isEmpty();
    }

    @Test
    void theBlocksMarkedRunRunAgainstTheSimulator() throws Exception {
        List<Block> runnable = blocksOfTheDocs().stream().filter(Block::run).toList();
        assertThat(runnable).as("blocks marked <!-- run -->").hasSizeGreaterThanOrEqualTo(2);
        Path classes = tempDir.resolve("classes");
        assertThat(compile(runnable, classes)).isEmpty();

        ApiCredential issued = Sentinels.credential();
        try (FortiCnpSimulator simulator = FortiCnpSimulator.builder().credential(issued).start();
                URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            for (Block block : runnable) {
                Map<String, Object> fixture = runFixture(simulator, issued);
                Method run = Stream.of(loader.loadClass("docsnippets." + block.className()).getMethods())
                        .filter(m -> m.getName().equals("run")).findFirst().orElseThrow();
                Object[] args = new Object[block.given().size()];
                for (int i = 0; i < args.length; i++) {
                    String name = parameterName(block.given().get(i));
                    assertThat(fixture).as("%s: no value for the given %s", block.where(), name).containsKey(name);
                    args[i] = fixture.get(name);
                }
                try {
                    run.invoke(null, args);
                } catch (InvocationTargetException e) {
                    throw new AssertionError(block.where() + " failed when run", e.getCause());
                } finally {
                    for (Object value : fixture.values()) {
                        if (value instanceof AutoCloseable c) {
                            c.close();
                        }
                    }
                }
            }
        }
    }

    @Test
    void theCheckFailsForABlockThatDoesNotCompileAndForAnExclusionWithoutAReason() throws IOException {
        List<Block> blocks = blocksOf("docs/example.md", List.of(
                "Text.",
                "",
                "<!-- given: TokenEngine engine -->",
                "```java",
                "AccessToken token = engine.currentToken(undeclaredAccount);",
                "```",
                "<!-- not compiled: a fragment of the block above -->",
                "```java",
                "engine.",
                "```"));
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(1).notCompiled()).contains("a fragment of the block above");
        assertThat(compile(blocks.subList(0, 1), tempDir.resolve("bad"))).singleElement().asString()
                .startsWith("docs/example.md:5:").contains("undeclaredAccount");

        assertThatThrownBy(() -> blocksOf("docs/example.md", List.of("<!-- not compiled: -->", "```java", "x", "```")))
                .hasMessageContaining("docs/example.md:2").hasMessageContaining("reason");
        assertThatThrownBy(() -> blocksOf("docs/example.md", List.of("```java", "int x = 1;")))
                .hasMessageContaining("no closing fence");
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The values a block marked {@code <!-- run -->} may name in its {@code given:} comment. */
    private Map<String, Object> runFixture(FortiCnpSimulator simulator, ApiCredential issued) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory(tempDir, "run");
        values.put("baseUrl", simulator.baseUrl());
        values.put("stateDirectory", dir.resolve("state"));
        values.put("credentialFile", Files.writeString(dir.resolve("credential"), issued.value() + "\n"));
        values.put("credential", issued.value());
        values.put("LOG", LoggerFactory.getLogger(DocSnippetsTest.class));
        values.put("clock", Clock.systemUTC());
        values.put("refresher", FeignTokenRefresher.builder().baseUrl(simulator.baseUrl()).build());
        values.put("store", new InMemoryTokenStore());
        values.put("credentials", (CredentialSource) account -> Optional.of(issued));
        values.put("meterRegistry", new SimpleMeterRegistry());
        return values;
    }

    private static List<Block> blocksOfTheDocs() throws IOException {
        Path root = repositoryRoot();
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Block> blocks = new ArrayList<>();
        for (Path doc : docs) {
            blocks.addAll(blocksOf(root.relativize(doc).toString().replace('\\', '/'),
                    Files.readAllLines(doc, StandardCharsets.UTF_8)));
        }
        return blocks;
    }

    static List<Block> blocksOf(String doc, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().equals("```")) {
                close++;
            }
            if (close == lines.size()) {
                throw new IllegalArgumentException(doc + ":" + (i + 1) + ": a ```java block with no closing fence");
            }
            List<String> given = List.of();
            boolean run = false;
            Optional<String> notCompiled = Optional.empty();
            for (int m = i - 1; m >= 0; m--) {
                Matcher comment = COMMENT.matcher(lines.get(m).strip());
                if (!comment.matches()) {
                    break;
                }
                String text = comment.group(1).strip();
                if (text.startsWith("given:")) {
                    given = splitParameters(text.substring("given:".length()));
                } else if (text.equals("run")) {
                    run = true;
                } else if (text.startsWith("not compiled:")) {
                    String reason = text.substring("not compiled:".length()).strip();
                    if (reason.isEmpty()) {
                        throw new IllegalArgumentException(doc + ":" + (i + 1)
                                + ": <!-- not compiled: --> needs a reason after the colon");
                    }
                    notCompiled = Optional.of(reason);
                }
            }
            blocks.add(new Block(doc, i + 1, List.copyOf(lines.subList(i + 1, close)), given, run, notCompiled));
            i = close;
        }
        return blocks;
    }

    /** {@code "Map<String, Path> files, URI baseUrl"} as its two parameters. */
    private static List<String> splitParameters(String text) {
        List<String> parameters = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : text.toCharArray()) {
            depth += c == '<' ? 1 : c == '>' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parameters.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            parameters.add(current.toString().strip());
        }
        return List.copyOf(parameters);
    }

    private static String parameterName(String parameter) {
        return parameter.substring(parameter.lastIndexOf(' ') + 1);
    }

    /** Compiles {@code blocks} into {@code output}; the errors, each as {@code doc:line: message}. */
    private static List<String> compile(List<Block> blocks, Path output) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK with javac runs the tests").isNotNull();
        Files.createDirectories(output);
        Path sources = Files.createDirectories(output.resolveSibling(output.getFileName() + "-src"));
        Map<String, Block> byFile = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (Block block : blocks) {
            Path file = sources.resolve(block.className() + "-" + files.size()).resolve(fileName(block));
            Files.createDirectories(file.getParent());
            Files.writeString(file, block.source());
            files.add(file);
            byFile.put(file.toUri().toString(), block);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-proc:none", "-classpath", testClasspath(), "-d", output.toString(), "-encoding", "UTF-8");
            javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Block block = d.getSource() == null ? null : byFile.get(d.getSource().toUri().toString());
            String where = block == null ? "?" : block.doc() + ":" + block.docLine(d.getLineNumber());
            errors.add(where + ": " + d.getMessage(Locale.ROOT));
        }
        return errors;
    }

    private static String fileName(Block block) {
        if (!block.isCompilationUnit()) {
            return block.className() + ".java";
        }
        Matcher publicType = Pattern.compile("public\\s+(?:final\\s+|abstract\\s+|sealed\\s+)*(?:class|record|interface|enum)\\s+(\\w+)")
                .matcher(String.join("\n", block.code()));
        return (publicType.find() ? publicType.group(1) : block.className()) + ".java";
    }

    /** The classpath the tests run with; Surefire may hand the JVM a manifest-only jar instead. */
    private static String testClasspath() {
        return Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .filter(s -> !s.isBlank()).orElse(System.getProperty("java.class.path"));
    }

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
}
