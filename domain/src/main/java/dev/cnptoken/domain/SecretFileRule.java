package dev.cnptoken.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule for every file that holds a secret (the file store's documents and lock files, its
 * encryption key, credential files, password and token files): <b>refuse it when group or others can
 * write it; warn when they can read it</b>. Files the store writes itself must also be owned by the
 * running user and must not be symbolic links. Directories follow the same rule with {@code chmod
 * 700} as the fix. Thread-safe; on file systems without POSIX permissions every file passes (with
 * the mode reported as unknown).
 */
public final class SecretFileRule {
    /** Kubernetes mounts secrets 0644 unless the volume's {@code defaultMode} says otherwise. */
    static final String KUBERNETES_HINT = "; in Kubernetes set the secret volume's defaultMode: 0400";

    private SecretFileRule() {}

    /** What the rule says about one file. */
    public enum Level {
        /** Neither group nor others can read or write it. */
        OK,
        /** Group or others can read it: use it, but log the message as a warning. */
        WARN,
        /** Group or others can write it, or (for the store's own files) someone else owns it. */
        REFUSE
    }

    /**
     * The rule applied to one file.
     *
     * @param level what to do with the file
     * @param path the file
     * @param mode its permission bits in octal, e.g. {@code 0600}; {@code ?} when unknown
     * @param message a sentence naming the file, its mode and the fix; empty for {@link Level#OK}
     */
    public record Verdict(Level level, Path path, String mode, String message) {
        public Verdict {
            Objects.requireNonNull(level, "level == null");
            Objects.requireNonNull(path, "path == null");
            Objects.requireNonNull(mode, "mode == null");
            Objects.requireNonNull(message, "message == null");
        }

        public boolean refused() {
            return level == Level.REFUSE;
        }
    }

    /**
     * Checks a secret file the operator provides (key, credential, password); symbolic links are
     * followed, since Kubernetes mounts secrets through them.
     *
     * @param what names the file in the message, e.g. {@code "encryption key file"}
     * @throws IOException when its attributes cannot be read (missing file included)
     */
    public static Verdict secretFile(Path file, String what) throws IOException {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(what, "what == null");
        Optional<PosixFileAttributes> attributes = attributes(file, true);
        if (attributes.isEmpty()) {
            return new Verdict(Level.OK, file, "?", "");
        }
        return judge(file, what, attributes.get().permissions(), "chmod 600 it (or 400)" + KUBERNETES_HINT);
    }

    /**
     * Checks a file a store writes and reads itself: the secret-file rule, and it must be a regular
     * file (not a symbolic link) owned by the running user.
     *
     * @throws IOException when its attributes cannot be read (missing file included)
     */
    public static Verdict ownFile(Path file, String what) throws IOException {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(what, "what == null");
        Optional<PosixFileAttributes> attributes = attributes(file, false);
        if (attributes.isEmpty()) {
            if (Files.isSymbolicLink(file)) {
                return new Verdict(Level.REFUSE, file, "?", what + " " + file + " is a symbolic link; cnp-token"
                        + " never follows one there: remove it");
            }
            return new Verdict(Level.OK, file, "?", "");
        }
        PosixFileAttributes a = attributes.get();
        String mode = octal(a.permissions());
        if (a.isSymbolicLink()) {
            return new Verdict(Level.REFUSE, file, mode, what + " " + file + " is a symbolic link; cnp-token never"
                    + " follows one there: remove it");
        }
        if (!a.isRegularFile()) {
            return new Verdict(Level.REFUSE, file, mode, what + " " + file + " is not a regular file: remove it");
        }
        Optional<String> stranger = notRunningUser(file, a.owner());
        if (stranger.isPresent()) {
            return new Verdict(Level.REFUSE, file, mode, what + " " + file + " is owned by " + stranger.get()
                    + ", not by the user running cnp-token: someone else may have planted it; check it and remove it");
        }
        return judge(file, what, a.permissions(), "chmod 600 it");
    }

    /**
     * Checks a directory that holds secret files: refused when group or others can write it
     * (sticky or not: anyone could plant or swap files), a warning when they can list it.
     *
     * @throws IOException when its attributes cannot be read
     */
    public static Verdict directory(Path directory, String what) throws IOException {
        Objects.requireNonNull(directory, "directory == null");
        Objects.requireNonNull(what, "what == null");
        Optional<PosixFileAttributes> attributes = attributes(directory, true);
        if (attributes.isEmpty()) {
            return new Verdict(Level.OK, directory, "?", "");
        }
        Set<PosixFilePermission> p = attributes.get().permissions();
        String mode = octal(p);
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            return new Verdict(Level.REFUSE, directory, mode, what + " " + directory + " is mode " + mode
                    + ": group or others can write it and plant or replace files; chmod 700 it");
        }
        if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                || p.contains(PosixFilePermission.GROUP_EXECUTE) || p.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return new Verdict(Level.WARN, directory, mode, what + " " + directory + " is mode " + mode
                    + ": group or others can list or enter it; chmod 700 it unless that is intended");
        }
        return new Verdict(Level.OK, directory, mode, "");
    }

    /** The permission bits in octal with a leading zero, e.g. {@code 0640}. */
    public static String octal(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }

    private static Verdict judge(Path file, String what, Set<PosixFilePermission> p, String fix) {
        String mode = octal(p);
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            return new Verdict(Level.REFUSE, file, mode, what + " " + file + " is mode " + mode
                    + ": group or others can write it; " + fix);
        }
        if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
            return new Verdict(Level.WARN, file, mode, what + " " + file + " is mode " + mode
                    + ": group or others can read it; " + fix);
        }
        return new Verdict(Level.OK, file, mode, "");
    }

    private static Optional<PosixFileAttributes> attributes(Path file, boolean follow) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        return Optional.of(Files.readAttributes(file, PosixFileAttributes.class, options));
    }

    /** Who owns the file when that is not the running user; empty when it is, or when that cannot be told. */
    private static Optional<String> notRunningUser(Path file, UserPrincipal owner) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            Optional<Integer> me = RunningUser.uid();
            if (me.isPresent()) {
                Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                return uid instanceof Integer u && u.intValue() != me.get()
                        ? Optional.of("uid " + u + " (" + owner.getName() + ")") : Optional.empty();
            }
        }
        String name = System.getProperty("user.name");
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        UserPrincipal me;
        try {
            me = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        return owner.equals(me) ? Optional.empty() : Optional.of(owner.getName());
    }

    /** The running process's uid, from the owner of {@code /proc/self} (Linux). */
    private static final class RunningUser {
        private static final Optional<Integer> UID = read();

        static Optional<Integer> uid() {
            return UID;
        }

        private static Optional<Integer> read() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return uid instanceof Integer u ? Optional.of(u) : Optional.empty();
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
                return Optional.empty();
            }
        }
    }
}
