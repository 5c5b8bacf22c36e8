package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link TokenStore} in local files: one document per account, {@code <directory>/<account>.json},
 * in the JSON schema documented in {@code docs/store-file.md}, optionally encrypted with AES-256-GCM.
 *
 * <ul>
 *   <li><b>Atomic replace.</b> A write goes to a temporary file in the same directory, is flushed
 *       to disk, and is renamed over the document ({@code ATOMIC_MOVE}); then the directory is
 *       flushed. A reader, in any process or language, sees the old document or the new one, never
 *       a mix. With {@link Builder#fsync(boolean) fsync} off the flushes are skipped: faster, but a
 *       power cut can lose the last writes.
 *   <li><b>Compare-and-set across processes.</b> A write holds an exclusive lock on the account's
 *       lock file ({@code .<account>.lock}) from reading the current version to the rename, and a
 *       lock shared by every store of this JVM, so several threads and several processes on one
 *       host can share a directory. Locks are advisory and need a local file system (not NFS).
 *   <li><b>Permissions.</b> On POSIX file systems the directory is created {@code 0700} and every
 *       file {@code 0600}.
 *   <li><b>Trusts nothing others can write.</b> A store directory that group or others can write is
 *       refused ({@code StoreFailure MISCONFIGURED} naming its mode and {@code chmod 700}), and so is
 *       a document or lock file that the running user does not own, that group or others can write,
 *       or that is a symbolic link: files are opened with {@link LinkOption#NOFOLLOW_LINKS} and
 *       temporary files created with {@code CREATE_NEW}. A document group or others can read is used
 *       with a warning. Since nobody else can write the directory, nobody can swap a file between
 *       the check and the open. The rule is {@link SecretFileRule}'s, shared with the app's secret
 *       files.
 *   <li><b>Reader files.</b> Optionally ({@link Builder#readerFiles}), each successful write also
 *       replaces {@code <reader directory>/<account>.access.json}: the access token, its type and
 *       expiry only, never encrypted, with its own mode and group, for consumers that must not see
 *       the refresh token. A reader file that cannot be written is logged as a warning and written
 *       again at the next write; it never fails the compare-and-set.
 *   <li><b>Damage is never papered over.</b> A file that cannot be read as an account's state
 *       (truncated, edited, wrong key, unknown schema) is reported as a {@code StoreFailure} {@code
 *       CORRUPT} naming its path, by {@link #read} and by {@link #compareAndSet}, which leaves it as
 *       it is. Someone has to move it aside.
 * </ul>
 *
 * <p>Thread-safe. Logs through {@link System.Logger} (name {@code
 * dev.cnptoken.adapters.store.file.FileTokenStore}), which SLF4J can receive through {@code
 * slf4j-jdk-platform-logging}; no log line or message holds a token or a credential.
 */
public final class FileTokenStore implements TokenStore {
    private static final System.Logger LOG = System.getLogger(FileTokenStore.class.getName());
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".json.tmp";
    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final OpenOption[] READ_NO_LINKS = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};

    /** Files already warned about as readable by group or others: one warning per file and JVM. */
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    /** One lock per lock file for the whole JVM: a JVM cannot hold the same file lock twice. */
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final EncryptionKey key; // null: plain JSON
    private final List<EncryptionKey> readKeys; // key first, then the previous key if any
    private final boolean fsync;
    private final boolean posix;
    private final Duration lockTimeout;
    private final ReaderFiles readers; // null: no reader files
    private final SecureRandom random = new SecureRandom();

    private FileTokenStore(Path directory, EncryptionKey key, EncryptionKey previousKey, boolean fsync, boolean posix,
            Duration lockTimeout, ReaderFiles readers) {
        this.directory = directory;
        this.readers = readers;
        this.key = key;
        List<EncryptionKey> keys = new ArrayList<>();
        if (key != null) {
            keys.add(key);
        }
        if (previousKey != null) {
            keys.add(previousKey);
        }
        this.readKeys = List.copyOf(keys);
        this.fsync = fsync;
        this.posix = posix;
        this.lockTimeout = lockTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The directory holding the documents (its real path). */
    public Path directory() {
        return directory;
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        return load(account).map(d -> new VersionedState(d.state(), d.version()));
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(next, "next == null");
        return withAccountLock(account, () -> {
            long current = load(account).map(FileCodec.Decoded::version).orElse(ABSENT);
            if (current != expectedVersion) {
                LOG.log(Level.DEBUG, "account {0}: compare-and-set lost, expected version {1}, found {2}",
                        account, expectedVersion, current);
                return new CasResult.Conflict();
            }
            long version = current + 1;
            byte[] document = FileCodec.encode(account, version, next);
            byte[] bytes = document;
            if (key != null) {
                bytes = Envelope.seal(key, account, document, random);
                Arrays.fill(document, (byte) 0);
            }
            replace(account, bytes, version);
            LOG.log(Level.DEBUG, "account {0}: wrote version {1} to {2}", account, version, fileOf(account));
            TokenState stored = next.toStoredPrecision();
            if (readers != null) {
                readers.write(account, stored);
            }
            return new CasResult.Written(new VersionedState(stored, version));
        });
    }

    @Override
    public List<AccountId> accounts() {
        List<AccountId> accounts = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                Optional<AccountId> account = AccountId.parse(name.substring(0, name.length() - SUFFIX.length()));
                if (account.isPresent()) {
                    accounts.add(account.get());
                } else {
                    // anyone who could once write the directory chose this name: never log it raw
                    LOG.log(Level.DEBUG, "ignoring \"{0}\" in {1}: not named after a valid account",
                            AccountId.escaped(name), directory);
                }
            }
        } catch (IOException e) {
            throw FileFailures.map("list", directory, e);
        }
        accounts.sort(null);
        return List.copyOf(accounts);
    }

    @Override
    public String toString() {
        return "FileTokenStore[directory=" + directory + ", encryption="
                + (key == null ? "none" : "AES-256-GCM key id " + key.id()) + (readKeys.size() > 1
                        ? " (also reads key id " + readKeys.get(1).id() + ")" : "")
                + ", fsync=" + (fsync ? "on" : "off")
                + (readers == null ? "" : ", reader files in " + readers.describe()) + "]";
    }

    Path fileOf(AccountId account) {
        return directory.resolve(account.name() + SUFFIX);
    }

    private Path lockFileOf(AccountId account) {
        return directory.resolve("." + account.name() + ".lock");
    }

    private Path tempFileOf(AccountId account) {
        return directory.resolve("." + account.name() + TEMP_SUFFIX);
    }

    /** The account's document, decoded; empty when there is none. */
    private Optional<FileCodec.Decoded> load(AccountId account) {
        Path file = fileOf(account);
        byte[] data;
        try {
            checkOwnFile(file, "token file");
        } catch (NoSuchFileException e) {
            return noDocument();
        } catch (IOException e) {
            throw FileFailures.map("read", file, e);
        }
        try (FileChannel channel = FileChannel.open(file, READ_NO_LINKS)) {
            long size = channel.size();
            if (size > MAX_FILE_BYTES) {
                throw corrupt(account, file, "is " + size + " bytes long; no account state is larger than "
                        + MAX_FILE_BYTES);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full or end of file
            }
            data = Arrays.copyOf(buffer.array(), buffer.position());
            Arrays.fill(buffer.array(), (byte) 0);
        } catch (NoSuchFileException e) {
            return noDocument(); // removed between the check and the open
        } catch (IOException e) {
            throw FileFailures.map("read", file, e);
        }
        try {
            byte[] json = data;
            if (Envelope.isEnvelope(data)) {
                if (key == null) {
                    throw new BadDocument("is encrypted, but this store has no encryption key configured");
                }
                json = Envelope.open(readKeys, account, data);
            } else if (key != null) {
                throw new BadDocument("is not encrypted, but this store has an encryption key; it refuses to"
                        + " read or replace a plaintext file");
            }
            try {
                return Optional.of(FileCodec.decode(account, json));
            } finally {
                Arrays.fill(json, (byte) 0);
            }
        } catch (BadDocument e) {
            throw corrupt(account, file, e.getMessage());
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /** No document: empty, unless the directory itself is gone (an unmounted volume is no empty store). */
    private Optional<FileCodec.Decoded> noDocument() {
        if (!Files.isDirectory(directory)) {
            throw FileFailures.unavailable("the store directory " + directory
                    + " is missing or is not a directory (unmounted volume?)");
        }
        return Optional.empty();
    }

    private static TokenException corrupt(AccountId account, Path file, String detail) {
        TokenException failure = FileFailures.corrupt(file, detail);
        LOG.log(Level.WARNING, "account {0}: {1}", account, failure.getMessage());
        return failure;
    }

    /** Writes {@code bytes} to a temporary file, flushes it and renames it over the document. */
    private void replace(AccountId account, byte[] bytes, long version) {
        Path temp = tempFileOf(account);
        Path file = fileOf(account);
        try {
            Files.deleteIfExists(temp); // a leftover of a crashed writer: we hold the lock, it is ours to remove
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), ownerOnly(OWNER_ONLY_FILE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw FileFailures.map("write", temp, e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw FileFailures.map("rename " + temp + " to", file, e);
        }
        if (fsync && posix) {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // the rename has happened and readers see the new version, but a crash may still undo it
                Failure.StoreFailure cause = FileFailures.failure("flush the directory", directory, e);
                throw FileFailures.outcomeUnknown("version " + version + " of account " + account
                        + " was renamed into place, but may not survive a crash: " + cause.detail(), e);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the next writer of this account removes it
        }
    }

    private FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    /**
     * Runs {@code action} holding this JVM's lock and the cross-process file lock of {@code account}.
     */
    private <T> T withAccountLock(AccountId account, Supplier<T> action) {
        Path lockFile = lockFileOf(account);
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        try {
            if (!jvmLock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw lockTimedOut(account, lockFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FileFailures.unavailable("interrupted while waiting for the lock of account " + account);
        }
        try (FileChannel channel = openLockFile(lockFile)) {
            FileLock lock = acquire(channel, deadline, account, lockFile);
            try {
                return action.get();
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw FileFailures.map("lock", lockFile, e);
        } finally {
            jvmLock.unlock();
        }
    }

    private FileChannel openLockFile(Path lockFile) {
        FileChannel channel;
        try {
            // O_NOFOLLOW: a symbolic link planted at the lock's name is never followed, nor its target created
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), ownerOnly(OWNER_ONLY_FILE));
        } catch (IOException e) {
            // the JDK reports O_NOFOLLOW's ELOOP as a plain IOException
            if (Files.isSymbolicLink(lockFile)) {
                throw refusedOwnFile(lockFile, "lock file");
            }
            throw FileFailures.map("open the lock file", lockFile, e);
        }
        try {
            checkOwnFile(lockFile, "lock file");
            return channel;
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw FileFailures.map("check the lock file", lockFile, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Applies {@link SecretFileRule#ownFile} to one of this store's files: refuses it (a {@code
     * StoreFailure MISCONFIGURED} naming the file and the fix) or warns once about it.
     *
     * @throws NoSuchFileException when there is no such file
     */
    private static void checkOwnFile(Path file, String what) throws IOException {
        SecretFileRule.Verdict verdict = SecretFileRule.ownFile(file, what);
        switch (verdict.level()) {
            case REFUSE -> {
                LOG.log(Level.WARNING, verdict.message());
                throw FileFailures.refused(verdict.message());
            }
            case WARN -> {
                if (WARNED.add(file)) {
                    LOG.log(Level.WARNING, verdict.message());
                }
            }
            case OK -> WARNED.remove(file);
        }
    }

    private static TokenException refusedOwnFile(Path file, String what) {
        try {
            SecretFileRule.Verdict verdict = SecretFileRule.ownFile(file, what);
            if (verdict.refused()) {
                return FileFailures.refused(verdict.message());
            }
        } catch (IOException ignored) {
            // fall through to the plain refusal
        }
        return FileFailures.refused(what + " " + file + " is a symbolic link; cnp-token never follows one there:"
                + " remove it");
    }

    private FileLock acquire(FileChannel channel, long deadline, AccountId account, Path lockFile)
            throws IOException {
        long pause = TimeUnit.MICROSECONDS.toNanos(50);
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // held in this JVM through another copy of this class (another class loader): wait
                lock = null;
            }
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline > 0) {
                throw lockTimedOut(account, lockFile);
            }
            LockSupport.parkNanos(pause);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw FileFailures.unavailable("interrupted while waiting for the lock of account " + account);
            }
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private TokenException lockTimedOut(AccountId account, Path lockFile) {
        return FileFailures.unavailable("account " + account + " stayed locked by another writer for "
                + lockTimeout.toMillis() + " ms (lock file " + lockFile + ")");
    }

    /** Removes temporary files left by writers that died between writing and renaming. */
    private void removeLeftovers() {
        List<AccountId> owners = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, ".*" + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Optional<AccountId> owner = AccountId.parse(name.substring(1, name.length() - TEMP_SUFFIX.length()));
                if (owner.isPresent()) {
                    owners.add(owner.get());
                } else {
                    LOG.log(Level.DEBUG, "ignoring \"{0}\" in {1}: not a temporary file of this store",
                            AccountId.escaped(name), directory);
                }
            }
        } catch (IOException e) {
            throw FileFailures.map("list", directory, e);
        }
        for (AccountId account : owners) {
            try {
                removeLeftover(account);
            } catch (TokenException e) {
                // a reader without write access, or a writer holding the lock: the next write cleans up
                LOG.log(Level.WARNING, "account {0}: left a temporary file in place: {1}", account, e.getMessage());
            }
        }
    }

    private void removeLeftover(AccountId account) {
        withAccountLock(account, () -> {
            Path temp = tempFileOf(account);
            try {
                if (Files.deleteIfExists(temp)) {
                    LOG.log(Level.INFO, "account {0}: removed {1}, left by a writer that stopped before renaming it",
                            account, temp);
                }
            } catch (IOException e) {
                throw FileFailures.map("remove", temp, e);
            }
            return null;
        });
    }

    /**
     * Builds a {@link FileTokenStore}. Only {@link #directory} is required.
     */
    public static final class Builder {
        private Path directory;
        private Path keyFile;
        private String keyVariable;
        private String keyText;
        private String keyOrigin;
        private Path previousKeyFile;
        private boolean fsync = true;
        private Duration lockTimeout = Duration.ofSeconds(10);
        private Function<String, String> environment = System::getenv;
        private Path readerDirectory;
        private String readerMode;
        private String readerGroup;

        private Builder() {}

        /** The directory of the documents; created ({@code 0700}) with its parents if missing. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory == null");
            return this;
        }

        /**
         * Encrypts the documents with the AES-256 key in {@code keyFile}: 32 random bytes in standard
         * base64, e.g. made by {@code openssl rand -base64 32 > key; chmod 600 key}. On POSIX file
         * systems the file must not be accessible by group or others.
         */
        public Builder encryptionKeyFile(Path keyFile) {
            this.keyFile = Objects.requireNonNull(keyFile, "keyFile == null");
            return this;
        }

        /** Encrypts the documents with the AES-256 key held, in base64, by an environment variable. */
        public Builder encryptionKeyFromEnvironment(String variable) {
            Objects.requireNonNull(variable, "variable == null");
            if (variable.isBlank()) {
                throw new IllegalArgumentException("variable is blank");
            }
            this.keyVariable = variable;
            return this;
        }

        /**
         * Encrypts the documents with an AES-256 key the caller has already read, in base64 (from
         * its own configuration). {@code origin} names where it came from, e.g. the variable, in
         * error messages; the key itself is never shown.
         */
        public Builder encryptionKey(String base64, String origin) {
            Objects.requireNonNull(base64, "base64 == null");
            Objects.requireNonNull(origin, "origin == null");
            if (origin.isBlank()) {
                throw new IllegalArgumentException("origin is blank");
            }
            this.keyText = base64;
            this.keyOrigin = origin;
            return this;
        }

        /**
         * During a key rotation: files still sealed with the key in {@code previousKeyFile} (same
         * format and rules as {@link #encryptionKeyFile}) are read, and each is re-sealed with the
         * current key at its next write. Needs a current key.
         */
        public Builder previousEncryptionKeyFile(Path previousKeyFile) {
            this.previousKeyFile = Objects.requireNonNull(previousKeyFile, "previousKeyFile == null");
            return this;
        }

        /**
         * Whether each write is flushed to the disk (file, then directory) before it counts as done.
         * On by default; off trades durability across a power cut for speed.
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** How long a write waits for another writer of the same account; 10 seconds by default. */
        public Builder lockTimeout(Duration lockTimeout) {
            Objects.requireNonNull(lockTimeout, "lockTimeout == null");
            if (lockTimeout.isNegative() || lockTimeout.isZero()) {
                throw new IllegalArgumentException("lockTimeout must be positive, got " + lockTimeout);
            }
            this.lockTimeout = lockTimeout;
            return this;
        }

        /**
         * Also writes, after each successful write, the reader file {@code
         * <readerDirectory>/<account>.access.json} with the access side only ({@code schema_version},
         * {@code access_token}, {@code token_type}, {@code expires_at}), for consumers that must not
         * read the refresh token. The directory is created {@code 0750} if missing; it must not be the
         * store's directory nor be writable by group or others.
         */
        public Builder readerFiles(Path readerDirectory) {
            this.readerDirectory = Objects.requireNonNull(readerDirectory, "readerDirectory == null");
            return this;
        }

        /** The reader files' mode in octal, {@code 0640} by default; group and others may not write. */
        public Builder readerFileMode(String octal) {
            ReaderFiles.parseMode(Objects.requireNonNull(octal, "octal == null"));
            this.readerMode = octal;
            return this;
        }

        /** The reader files' group (by name); by default the one new files get. */
        public Builder readerFileGroup(String group) {
            Objects.requireNonNull(group, "group == null");
            if (group.isBlank()) {
                throw new IllegalArgumentException("group is blank");
            }
            this.readerGroup = group;
            return this;
        }

        /** Where environment variables are looked up (tests). */
        Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment == null");
            return this;
        }

        /**
         * Creates the directory if needed, loads the key, and removes temporary files left by
         * writers that died.
         *
         * @throws IllegalStateException when no directory was set, or both key sources were, or a
         *     reader file mode or group without a reader directory
         * @throws IllegalArgumentException when the reader directory is the store's, or its group unknown
         * @throws TokenException {@code NotConfigured} when the key is missing, malformed or too
         *     widely readable; {@code StoreFailure} when the directory cannot be created or read
         */
        public FileTokenStore build() {
            if (directory == null) {
                throw new IllegalStateException("directory is not set");
            }
            List<String> keySources = new ArrayList<>();
            if (keyFile != null) {
                keySources.add("encryptionKeyFile");
            }
            if (keyVariable != null) {
                keySources.add("encryptionKeyFromEnvironment");
            }
            if (keyText != null) {
                keySources.add("encryptionKey");
            }
            if (keySources.size() > 1) {
                throw new IllegalStateException("set one key source, not both: " + String.join(" and ", keySources));
            }
            if (readerDirectory == null && (readerMode != null || readerGroup != null)) {
                throw new IllegalStateException("readerFileMode and readerFileGroup need readerFiles(directory)");
            }
            if (previousKeyFile != null && keySources.isEmpty()) {
                throw new IllegalStateException("previousEncryptionKeyFile needs a current key: set encryptionKeyFile,"
                        + " encryptionKeyFromEnvironment or encryptionKey too");
            }
            Path dir = directory.toAbsolutePath().normalize();
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            try {
                if (Files.notExists(dir)) {
                    if (posix) {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                    } else {
                        Files.createDirectories(dir);
                    }
                    LOG.log(Level.DEBUG, "created token store directory {0}", dir);
                }
                if (!Files.isDirectory(dir)) {
                    throw FileFailures.unavailable("the store directory " + dir + " is not a directory");
                }
                dir = dir.toRealPath();
                if (posix) {
                    SecretFileRule.Verdict verdict = SecretFileRule.directory(dir, "token store directory");
                    if (verdict.refused()) {
                        throw FileFailures.refused(verdict.message());
                    }
                    if (verdict.level() == SecretFileRule.Level.WARN) {
                        LOG.log(Level.WARNING, verdict.message());
                    }
                } else {
                    LOG.log(Level.WARNING, "token store directory {0} is on a file system without POSIX"
                            + " permissions: its files are protected by the directory's inherited access"
                            + " control only", dir);
                }
            } catch (IOException e) {
                throw FileFailures.map("create the directory", dir, e);
            }
            EncryptionKey key = null;
            if (keyFile != null) {
                key = EncryptionKey.fromFile(keyFile);
            } else if (keyVariable != null) {
                key = EncryptionKey.fromEnvironment(keyVariable, environment);
            } else if (keyText != null) {
                key = EncryptionKey.fromText(keyText, keyOrigin);
            }
            EncryptionKey previousKey = previousKeyFile == null ? null : EncryptionKey.fromFile(previousKeyFile);
            ReaderFiles readers = readerDirectory == null ? null : ReaderFiles.open(readerDirectory, dir,
                    ReaderFiles.parseMode(readerMode == null ? "0640" : readerMode), Optional.ofNullable(readerGroup),
                    fsync);
            FileTokenStore store = new FileTokenStore(dir, key, previousKey, fsync, posix, lockTimeout, readers);
            store.removeLeftovers();
            LOG.log(Level.DEBUG, "file token store ready: {0}", store);
            return store;
        }
    }
}
