package dev.cnptoken.app;

import dev.cnptoken.adapters.http.common.FortiCnpHttpClient;
import dev.cnptoken.adapters.http.common.FortiCnpRequestContext;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.config.FortiCnpConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.engine.TokenHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "api", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Sends one authenticated request to FortiCNP and prints the answer.",
    "",
    "The request goes to the configured base URL with the account's bearer token (refreshed first if "
        + "needed; after a 401 invalidated and sent once more with a new one) and, except for the resource "
        + "map itself, the companyId and roleId headers of the account's resource map. PATH is a path such "
        + "as /api/v1/resourceURLMap, never a URL: the token goes nowhere else. Standard output holds the "
        + "body; --include writes the status line and the answer's headers to standard error. Exits 0 for "
        + "a 2xx answer, 7 for any other answer (its body still printed), 3/4/5/6 when no token can be had."
}, footerHeading = "%nExample:%n", footer = {
    "  cnp-token api --account acme /api/v1/resourceURLMap",
    "  echo '{\"skip\":0,\"limit\":10}' | cnp-token api --account acme --data - /api/v2/finding/list"
})
final class ApiCommand implements Callable<Integer> {
    /** Where the request context comes from: sent without the context headers (it has to be, to be fetched). */
    private static final String RESOURCE_MAP_PATH = "/api/v1/resourceURLMap";
    /** cnp-token's own endpoints: a call there would hand tokens to standard output or rotate them behind the store. */
    private static final String AUTH_PREFIX = "/api/v1/auth/";
    /** Headers the command sets itself, or that would carry a secret from the command line. */
    private static final Set<String> REFUSED_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            FortiCnpRequestContext.COMPANY_ID_HEADER.toLowerCase(Locale.ROOT),
            FortiCnpRequestContext.ROLE_ID_HEADER.toLowerCase(Locale.ROOT));
    /** An HTTP token (RFC 9110): what a method or a header name may be made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AccountOptions.One account;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", description = "the HTTP method (default: GET, or POST with --data)")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "a request header (repeatable); Authorization, Cookie, companyId and roleId are refused,"
                    + " as is any value naming Bearer or Authorization")
    List<String> headers;

    @Option(names = "--data", paramLabel = "@FILE|-", description = "the request body: from FILE, or - for standard input")
    String data;

    @Option(names = {"-i", "--include"}, description = "also write the status line and the answer's headers to standard error")
    boolean include;

    @Option(names = "--company", paramLabel = "ID|NAME",
            description = "the company of the context headers, by id or exact name; needed when the API user sees several")
    String company;

    @Parameters(index = "0", paramLabel = "PATH", description = "the API path, starting with /, e.g. /api/v1/resourceURLMap")
    String path;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        checkPath(cli);
        List<String[]> extra = parsedHeaders(cli);
        String verb = method(cli);
        byte[] body = body();
        AppConfig config = root.config();
        FortiCnpConfig forticnp = config.forticnp();
        HttpClient http = httpClient(forticnp);
        // At once, not store-first: the transport's checks of the base URL (no plain http off loopback
        // unless allowed) run before a stored token could be sent anywhere.
        try (AppRuntime runtime = root.runtime(config)) {
            AccountId id = Accounts.one(cli, account.name, config, runtime.store());
            TokenHandle tokens = runtime.engine().handle(id);
            FortiCnpHttpClient.Builder api = FortiCnpHttpClient.builder().httpClient(http).tokens(tokens).baseUrl(forticnp.baseUrl());
            if (!path.equals(RESOURCE_MAP_PATH) && !path.startsWith(RESOURCE_MAP_PATH + "?")) {
                api.requestContext(context(http, tokens, forticnp.baseUrl()));
            }
            FortiCnpHttpClient client = api.build();
            HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path))
                    .timeout(forticnp.callTimeout())
                    .method(verb, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            boolean contentType = false;
            for (String[] h : extra) {
                contentType |= h[0].equalsIgnoreCase("Content-Type");
                try {
                    request.header(h[0], h[1]);
                } catch (IllegalArgumentException e) {
                    // the JDK refuses restricted headers (Host, Content-Length, ...); its message may echo the value
                    throw new CommandLine.ParameterException(cli, "--header: '" + h[0] + "' cannot be set");
                }
            }
            if (!contentType) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                root.io.err().println("cnp-token: api: the request failed (" + e.getClass().getSimpleName() + ")");
                return ExitCode.TRANSIENT.code();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                root.io.err().println("cnp-token: api: interrupted");
                return ExitCode.TRANSIENT.code();
            }
            if (include) {
                printStatusAndHeaders(root.io.err(), answer);
            }
            root.io.out().write(answer.body());
            root.io.out().flush();
            if (answer.statusCode() / 100 == 2) {
                return ExitCode.OK.code();
            }
            root.io.err().println("cnp-token: api: FortiCNP answered HTTP " + answer.statusCode());
            return ExitCode.API_ERROR.code();
        }
    }

    /** PATH must be a path on the configured host: never a URL, never {@code //host}, never the auth endpoints. */
    private void checkPath(CommandLine cli) {
        // the message never echoes PATH: whatever it holds stays out of logs
        if (!path.startsWith("/") || path.startsWith("//") || path.indexOf('\\') >= 0) {
            throw new CommandLine.ParameterException(cli,
                    "PATH must be a path on the configured FortiCNP base URL such as /api/v1/resourceURLMap, not a URL");
        }
        URI uri;
        try {
            uri = new URI(path);
        } catch (java.net.URISyntaxException e) {
            throw new CommandLine.ParameterException(cli, "PATH is not a valid URI path (percent-encode spaces and the like)");
        }
        if (uri.getScheme() != null || uri.getRawAuthority() != null) {
            throw new CommandLine.ParameterException(cli, "PATH must be a path, not a URL");
        }
        String normalized = uri.normalize().getPath().toLowerCase(Locale.ROOT);
        if (normalized.startsWith(AUTH_PREFIX) || normalized.equals(AUTH_PREFIX.substring(0, AUTH_PREFIX.length() - 1))) {
            throw new CommandLine.ParameterException(cli,
                    "PATH: the auth endpoints are cnp-token's own; use 'cnp-token login' or 'cnp-token token'");
        }
    }

    /** The {@code -H} headers as name and value; refuses any that could carry a secret or clash with ours. */
    private List<String[]> parsedHeaders(CommandLine cli) {
        List<String[]> parsed = new ArrayList<>();
        if (headers == null) {
            return parsed;
        }
        for (String h : headers) {
            int colon = h.indexOf(':');
            // a message names the header only, never its value
            String name = colon < 0 ? "" : h.substring(0, colon).trim();
            if (!TOKEN.matcher(name).matches()) {
                throw new CommandLine.ParameterException(cli, "--header: expected 'NAME: VALUE'");
            }
            String value = h.substring(colon + 1).trim();
            String lowerName = name.toLowerCase(Locale.ROOT);
            String lowerValue = value.toLowerCase(Locale.ROOT);
            if (REFUSED_HEADERS.contains(lowerName) || lowerValue.contains("bearer") || lowerValue.contains("authorization")) {
                throw new CommandLine.ParameterException(cli, "--header " + name + ": refused; cnp-token sets the "
                        + "token and the context headers itself (--account, --company), and takes no secret on the command line");
            }
            parsed.add(new String[] {name, value});
        }
        return parsed;
    }

    private String method(CommandLine cli) {
        if (method == null) {
            return data == null ? "GET" : "POST";
        }
        if (!TOKEN.matcher(method).matches()) {
            throw new CommandLine.ParameterException(cli, "-X: '" + method + "' is not an HTTP method");
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /** The {@code --data} body, or null for none. */
    private byte[] body() throws IOException {
        if (data == null) {
            return null;
        }
        if (data.equals("-")) {
            try (InputStream in = root.io.in()) {
                return in.readAllBytes();
            }
        }
        if (data.startsWith("@") && data.length() > 1) {
            return Files.readAllBytes(Path.of(data.substring(1)));
        }
        // inline data would put the request (which may hold anything) in the shell history and the process list
        throw new CommandLine.ParameterException(spec.commandLine(), "--data takes @FILE or - (standard input)");
    }

    private FortiCnpRequestContext context(HttpClient http, TokenHandle tokens, URI baseUrl) {
        FortiCnpRequestContext.Builder b = FortiCnpRequestContext.builder().httpClient(http).tokens(tokens).baseUrl(baseUrl);
        if (company != null) {
            if (company.chars().allMatch(Character::isDigit) && !company.isEmpty() && company.length() < 19) {
                b.companyId(Long.parseLong(company));
            } else if (company.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--company is blank");
            } else {
                b.companyName(company);
            }
        }
        return b.build();
    }

    /**
     * A JDK client with the configured connect timeout, proxy and trusted certificates, following no
     * redirect (a followed redirect could carry the token elsewhere).
     */
    private static HttpClient httpClient(FortiCnpConfig config) {
        if (config.proxyUser().isPresent()) {
            throw new ConfigException("http_proxy_user: the api command does not support proxy authentication yet");
        }
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout());
        config.httpProxy().ifPresent(p -> b.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(), FortiCnpConfig.proxyPort(p)))));
        config.caFile().ifPresent(f -> b.sslContext(trusting(f)));
        return b.build();
    }

    /** TLS that trusts exactly the PEM certificates in {@code file}, as the transports do with {@code ca_file}. */
    private static SSLContext trusting(Path file) {
        try {
            return FortiCnpHttpClient.trusting(file);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ca_file: " + e.getMessage());
        }
    }

    private static void printStatusAndHeaders(PrintStream err, HttpResponse<?> answer) {
        String version = answer.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
        err.println(version + " " + answer.statusCode());
        for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
            if (h.getKey().startsWith(":")) {
                continue;
            }
            for (String v : h.getValue()) {
                err.println(h.getKey() + ": " + v);
            }
        }
        err.println();
    }
}
