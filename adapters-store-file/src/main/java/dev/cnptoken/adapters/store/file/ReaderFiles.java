package dev.cnptoken.adapters.store.file;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.TokenState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes each account's reader file, {@code <reader directory>/<account>.access.json}: the access
 * side of its state only ({@code schema_version}, {@code access_token}, {@code token_type}, {@code
 * expires_at}), never encrypted, never the refresh token or the credential, with its own mode and
 * group, replaced atomically. A reader file that cannot be written is a warning, not a failure: the
 * account's document is already in place, and the next write tries again.
 */
final class ReaderFiles {
    /** The reader document's own schema version, independent of the token file's. */
    static final int SCHEMA_VERSION = 1;
    static final String SUFFIX = ".access.json";
    private static final String TEMP_SUFFIX = ".access.json.tmp";
    private static final System.Logger LOG = System.getLogger(FileTokenStore.class.getName());
    private static final Set<PosixFilePermission> FORBIDDEN = EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);
    /** Jackson's default layout, as documented: two-space indentation, {@code "name" : value}. */
    private static final DefaultPrettyPrinter LAYOUT = new DefaultPrettyPrinter();

    private final Path directory;
    private final Set<PosixFilePermission> mode;
    private final Optional<GroupPrincipal> group;
    private final boolean fsync;
    private final boolean posix;

    private ReaderFiles(Path directory, Set<PosixFilePermission> mode, Optional<GroupPrincipal> group, boolean fsync,
            boolean posix) {
        this.directory = directory;
        this.mode = mode;
        this.group = group;
        this.fsync = fsync;
        this.posix = posix;
    }

    /**
     * Parses a mode such as {@code 0640} or {@code 640}: the owner reads, no execute bits, and neither
     * group nor others may write (the rule of {@link SecretFileRule}).
     *
     * @throws IllegalArgumentException naming the rule the mode breaks
     */
    static Set<PosixFilePermission> parseMode(String octal) {
        Objects.requireNonNull(octal, "octal == null");
        String t = octal.strip();
        if (!t.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("reader file mode must be three octal digits such as 0640, got \""
                    + AccountId.escaped(t) + "\"");
        }
        int bits = Integer.parseInt(t, 8);
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((bits & (1 << (8 - p.ordinal()))) != 0) {
                mode.add(p);
            }
        }
        if (!mode.contains(PosixFilePermission.OWNER_READ)) {
            throw new IllegalArgumentException("reader file mode " + t + " must let the owner read (4 or 6 in the"
                    + " first digit)");
        }
        if (!java.util.Collections.disjoint(mode, FORBIDDEN)) {
            throw new IllegalArgumentException("reader file mode " + t + " lets group or others write, or sets an"
                    + " execute bit; use e.g. 0640 or 0644");
        }
        return Set.copyOf(mode);
    }

    /**
     * Creates the reader directory ({@code 0750} whatever the umask, in the group if one is set) if
     * missing and checks it: it must differ from the store's directory and must not be writable by
     * group or others.
     *
     * @throws IllegalArgumentException when the directory is the store's, or the group is unknown
     * @throws dev.cnptoken.domain.TokenException {@code StoreFailure} when the directory cannot be
     *     created or is writable by group or others
     */
    static ReaderFiles open(Path directory, Path storeDirectory, Set<PosixFilePermission> mode, Optional<String> group,
            boolean fsync) {
        Path dir = directory.toAbsolutePath().normalize();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        boolean created = false;
        try {
            if (Files.notExists(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
                created = true;
            }
            if (!Files.isDirectory(dir)) {
                throw FileFailures.unavailable("the reader directory " + dir + " is not a directory");
            }
            dir = dir.toRealPath();
        } catch (IOException e) {
            throw FileFailures.map("create the reader directory", dir, e);
        }
        if (dir.equals(storeDirectory)) {
            throw new IllegalArgumentException("the reader directory must not be the store directory " + dir
                    + ": the store's own files hold the refresh token");
        }
        Optional<GroupPrincipal> principal = Optional.empty();
        if (group.isPresent()) {
            if (!posix) {
                throw new IllegalArgumentException("a reader file group needs a file system with POSIX permissions");
            }
            try {
                principal = Optional.of(dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get()));
            } catch (IOException e) {
                throw new IllegalArgumentException("reader file group \"" + AccountId.escaped(group.get())
                        + "\" is not a group on this host");
            }
        }
        if (posix && created) {
            // 0750 whatever the umask, in the readers' group: they may enter it and read, never write
            try {
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                if (principal.isPresent()) {
                    view.setGroup(principal.get());
                }
                view.setPermissions(PosixFilePermissions.fromString("rwxr-x---"));
            } catch (IOException e) {
                throw FileFailures.map("set the group and mode of the reader directory", dir, e);
            }
        }
        if (posix) {
            try {
                SecretFileRule.Verdict verdict = SecretFileRule.directory(dir, "reader directory");
                if (verdict.refused()) {
                    throw FileFailures.refused(verdict.message());
                }
            } catch (IOException e) {
                throw FileFailures.map("check the reader directory", dir, e);
            }
        }
        return new ReaderFiles(dir, mode, principal, fsync, posix);
    }

    Path fileOf(AccountId account) {
        return directory.resolve(account.name() + SUFFIX);
    }

    /** The mode and group reader files get, for {@code toString()}. */
    String describe() {
        return directory + " (mode " + SecretFileRule.octal(mode) + group.map(g -> ", group " + g.getName()).orElse("")
                + ")";
    }

    /**
     * Replaces the reader file of {@code account} with the access side of {@code state}; logs a
     * warning and returns {@code false} when it cannot. Called with the account's lock held.
     */
    boolean write(AccountId account, TokenState state) {
        Path temp = directory.resolve("." + account.name() + TEMP_SUFFIX);
        Path file = fileOf(account);
        byte[] bytes = encode(state);
        try {
            Files.deleteIfExists(temp); // a leftover of a crashed writer: we hold the account's lock
            FileAttribute<?>[] ownerOnly = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), ownerOnly)) {
                if (posix) {
                    // group first, then the mode: the file is never open to the wrong group
                    PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (group.isPresent()) {
                        view.setGroup(group.get());
                    }
                    view.setPermissions(mode);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next write removes it
            }
            String reason = e instanceof IOException io ? FileFailures.failure("write", file, io).detail()
                    : "cannot write " + file + ": " + e.getClass().getSimpleName();
            LOG.log(Level.WARNING, "account {0}: the token file is written, but the reader file is not: {1};"
                    + " the next write tries again", account, reason);
            return false;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The reader document: the access side only, in the access records' field names. */
    static byte[] encode(TokenState state) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", SCHEMA_VERSION);
        doc.put("access_token", state.accessToken().value());
        doc.put("token_type", state.tokenType());
        doc.put("expires_at", state.accessExpiresAt().toEpochMilli());
        return FileCodec.json(doc, LAYOUT);
    }
}
