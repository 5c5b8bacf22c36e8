package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns JDK I/O exceptions into {@link TokenException}s with a {@code StoreFailure}. Messages name the
 * operation, the path and the operating system's reason; file contents never reach an I/O exception,
 * so none can leak through here.
 */
final class FileFailures {
    private FileFailures() {}

    static TokenException map(String operation, Path path, IOException e) {
        return new TokenException(failure(operation, path, e), e);
    }

    static Failure.StoreFailure failure(String operation, Path path, IOException e) {
        String reason = reason(e);
        String lower = reason.toLowerCase(Locale.ROOT);
        Reason kind;
        if (e instanceof AccessDeniedException
                || lower.contains("permission denied")
                || lower.contains("operation not permitted")
                || lower.contains("read-only file system")) {
            kind = Reason.PERMISSION_DENIED;
        } else if (lower.contains("no space left") || lower.contains("disk quota exceeded")) {
            kind = Reason.FULL;
        } else {
            kind = Reason.UNAVAILABLE;
        }
        return new Failure.StoreFailure(kind, "cannot " + operation + " " + path + ": " + reason);
    }

    /** A write that may or may not have taken effect (or may not last): {@code OUTCOME_UNKNOWN}. */
    static TokenException outcomeUnknown(String detail, IOException cause) {
        return new TokenException(new Failure.StoreFailure(Reason.OUTCOME_UNKNOWN, detail), cause);
    }

    static TokenException corrupt(Path path, String detail) {
        return new TokenException(new Failure.StoreFailure(Reason.CORRUPT, path + " " + detail));
    }

    /** A file or directory the store refuses to trust ({@code MISCONFIGURED}): the message says why and the fix. */
    static TokenException refused(String detail) {
        return new TokenException(new Failure.StoreFailure(Reason.MISCONFIGURED, detail));
    }

    static TokenException unavailable(String detail) {
        return new TokenException(new Failure.StoreFailure(Reason.UNAVAILABLE, detail));
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
