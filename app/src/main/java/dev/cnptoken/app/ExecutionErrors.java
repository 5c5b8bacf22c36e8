package dev.cnptoken.app;

import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception that ended a command into one message on standard error and its exit code.
 * Exit 1 is kept for bugs: a file or address that the command line or the configuration names and
 * that cannot be used is a configuration error (3), with a message naming the setting.
 */
final class ExecutionErrors implements CommandLine.IExecutionExceptionHandler {
    /** Options whose values are an address to listen on. */
    private static final List<String> LISTEN_OPTIONS = List.of("--listen", "--bind", "--port");

    private final Io io;

    ExecutionErrors(Io io) {
        this.io = Objects.requireNonNull(io, "io == null");
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        if (ex instanceof ConfigException c) {
            return configuration(c.getMessage());
        }
        if (ex instanceof TokenException t) {
            io.err().println("cnp-token: " + t.failure().describe());
            return ExitCode.of(t.failure()).code();
        }
        Optional<IOException> cause = ioCause(ex);
        if (cause.isPresent() && cause.get() instanceof FileSystemException f) {
            String file = f.getFile() == null ? "a file" : f.getFile();
            String reason = f.getReason() != null ? ": " + f.getReason() : f instanceof NoSuchFileException ? ": no such file or directory"
                    : f instanceof AccessDeniedException ? ": permission denied" : "";
            return configuration(setting(parseResult, f.getFile()) + "cannot use " + file + reason
                    + " (" + f.getClass().getSimpleName() + ")");
        }
        if (cause.isPresent() && (cause.get() instanceof BindException || cause.get() instanceof UnknownHostException)) {
            String why = cause.get() instanceof BindException ? "the address is in use or not this machine's" : "unknown host";
            return configuration(listenSettings(commandLine) + "cannot listen there: " + why
                    + " (" + cause.get().getClass().getSimpleName() + ")");
        }
        // A foreign exception's message may hold anything: print its type only, the trace at debug level.
        LoggerFactory.getLogger("cnp-token").debug("internal error", ex);
        io.err().println("cnp-token: internal error (" + ex.getClass().getName() + "); run with --verbose for details");
        return ExitCode.INTERNAL.code();
    }

    private int configuration(String message) {
        io.err().println("cnp-token: configuration: " + message);
        return ExitCode.CONFIG.code();
    }

    /** The I/O exception itself, or the one that an I/O wrapper carries. */
    private static Optional<IOException> ioCause(Throwable ex) {
        Throwable t = ex;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            if (t instanceof IOException e && !(t.getCause() instanceof IOException)) {
                return Optional.of(e);
            }
            if (!(t instanceof IOException || t instanceof UncheckedIOException)) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** "--credential-file: " when that option's value is {@code file}, contains it or lies in it; else "". */
    private static String setting(ParseResult parseResult, String file) {
        if (file == null) {
            return "";
        }
        Optional<Path> failed = path(file);
        for (ParseResult r = parseResult; r != null && failed.isPresent(); r = r.subcommand()) {
            for (OptionSpec option : r.matchedOptions()) {
                Optional<Path> given = path(option.getValue());
                if (given.isPresent() && (given.get().startsWith(failed.get()) || failed.get().startsWith(given.get()))) {
                    return option.longestName() + ": ";
                }
            }
        }
        return "";
    }

    /** "--bind 0.0.0.0, --port 80: " for the listen options the command has. */
    private static String listenSettings(CommandLine commandLine) {
        List<String> named = new ArrayList<>();
        for (String name : LISTEN_OPTIONS) {
            OptionSpec option = commandLine.getCommandSpec().findOption(name);
            if (option != null && option.getValue() != null) {
                named.add(name + " " + option.getValue());
            }
        }
        return named.isEmpty() ? "" : String.join(", ", named) + ": ";
    }

    private static Optional<Path> path(Object value) {
        if (value instanceof Path p) {
            return Optional.of(p.toAbsolutePath().normalize());
        }
        if (value instanceof String s && !s.isEmpty()) {
            try {
                return Optional.of(Path.of(s).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
