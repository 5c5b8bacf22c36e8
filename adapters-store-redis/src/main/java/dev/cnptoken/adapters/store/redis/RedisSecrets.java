package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.crypto.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Seals the refresh-side secrets of a record ({@code refresh_token}, {@code credential}) with
 * AES-256-GCM before the compare-and-set writes them, and opens them after a read; without a key it
 * passes records through unchanged and refuses sealed ones.
 *
 * <p>Only those two values are sealed: {@code version}, {@code write_id} and the other fields stay in
 * the clear, so the compare-and-set script compares and writes exactly as for a plain record, and the
 * access hash stays readable by readers. A sealed record has {@code schema_version} {@code 2} (a
 * version of cnp-token that reads only {@code 1} refuses it instead of taking a ciphertext for a
 * token) and a field {@code encryption} = {@code aes-256-gcm:<key id>}; each sealed value is the
 * standard base64 of {@code nonce || ciphertext || tag}, authenticated with the associated data
 * {@code <encryption>|<account>|<field>} (ASCII), so a value copied from another account or field
 * does not open. A plain record ({@code schema_version 1}) still reads with a key, and is written
 * sealed at its next write. The format is documented in {@code docs/store-redis.md}.
 *
 * <p>Thread-safe.
 */
final class RedisSecrets {
    static final String SEALED_SCHEMA_VERSION = "2";
    static final String ENCRYPTION = "encryption";
    static final String ALGORITHM = "aes-256-gcm";
    private static final List<String> SEALED_FIELDS = List.of(RedisCodec.REFRESH_TOKEN, RedisCodec.CREDENTIAL);
    private static final Pattern ENCRYPTION_VALUE = Pattern.compile(ALGORITHM + ":([0-9a-f]{8})");
    /** The script's arguments before the first name/value pair of the refresh hash (see RedisCodec). */
    private static final int FIRST_PAIR = 5;

    private final EncryptionKey key; // seals every write; null: records are written in the clear
    private final List<EncryptionKey> readKeys; // key first, then a previous key during a rotation
    private final SecureRandom random = new SecureRandom();

    private RedisSecrets(EncryptionKey key, List<EncryptionKey> readKeys) {
        this.key = key;
        this.readKeys = readKeys;
    }

    /** Writes records in the clear and refuses to read sealed ones. */
    static RedisSecrets plain() {
        return new RedisSecrets(null, List.of());
    }

    /** Seals every write with {@code key}; reads records sealed with {@code key} or {@code previous}. */
    static RedisSecrets sealedWith(EncryptionKey key, Optional<EncryptionKey> previous) {
        Objects.requireNonNull(key, "key == null");
        List<EncryptionKey> keys = new ArrayList<>();
        keys.add(key);
        previous.filter(p -> !p.id().equals(key.id())).ifPresent(keys::add);
        return new RedisSecrets(key, List.copyOf(keys));
    }

    /**
     * The compare-and-set arguments with the secrets sealed, the schema version of a sealed record
     * and the {@code encryption} field; the arguments themselves when this store has no key.
     *
     * @param arguments as made by {@link RedisCodec#scriptArguments}
     */
    List<String> seal(AccountId account, List<String> arguments) {
        if (key == null) {
            return arguments;
        }
        String encryption = ALGORITHM + ":" + key.id();
        List<String> sealed = new ArrayList<>(arguments.size() + 2);
        sealed.addAll(arguments.subList(0, FIRST_PAIR));
        for (int i = FIRST_PAIR; i + 1 < arguments.size(); i += 2) {
            String field = arguments.get(i);
            String value = arguments.get(i + 1);
            if (field.equals(RedisCodec.SCHEMA)) {
                value = SEALED_SCHEMA_VERSION;
            } else if (SEALED_FIELDS.contains(field)) {
                byte[] plaintext = value.getBytes(StandardCharsets.UTF_8);
                value = Base64.getEncoder().encodeToString(
                        SecretCipher.seal(key, associatedData(encryption, account, field), plaintext, random));
                Arrays.fill(plaintext, (byte) 0);
            }
            sealed.add(field);
            sealed.add(value);
        }
        sealed.add(ENCRYPTION);
        sealed.add(encryption);
        return sealed;
    }

    /**
     * The refresh hash as {@link RedisCodec#decode} reads it: a plain record as it is, a sealed one
     * with its secrets opened and {@code schema_version 1}.
     *
     * @throws RedisCodec.CorruptRecord naming the account and the field, never a value, when the record
     *     is sealed but this store has no key or another one, or a sealed value does not open (wrong key
     *     or tampered, or copied from another account or field)
     */
    Map<String, String> open(AccountId account, Map<String, String> hash) {
        String schema = hash.get(RedisCodec.SCHEMA);
        String encryption = hash.get(ENCRYPTION);
        if (!SEALED_SCHEMA_VERSION.equals(schema)) {
            if (encryption != null) {
                throw new RedisCodec.CorruptRecord("account " + account + ": field " + ENCRYPTION
                        + " is set but schema_version is not " + SEALED_SCHEMA_VERSION + ": tampered");
            }
            return hash; // a plain record: RedisCodec checks the rest
        }
        if (encryption == null) {
            throw new RedisCodec.CorruptRecord("account " + account + ": schema_version " + SEALED_SCHEMA_VERSION
                    + " (encrypted) lacks the field " + ENCRYPTION);
        }
        Matcher m = ENCRYPTION_VALUE.matcher(encryption);
        if (!m.matches()) {
            throw new RedisCodec.CorruptRecord("account " + account + ": field " + ENCRYPTION + " is \""
                    + RedisUri.printable(encryption) + "\", this version reads " + ALGORITHM + ":<key id> only");
        }
        if (key == null) {
            throw new RedisCodec.CorruptRecord("account " + account + ": the record is encrypted (key id " + m.group(1)
                    + "), but this store has no encryption key configured");
        }
        EncryptionKey sealedWith = readKeys.stream().filter(k -> k.id().equals(m.group(1))).findFirst()
                .orElseThrow(() -> new RedisCodec.CorruptRecord("account " + account
                        + ": wrong key or tampered: the record was encrypted with key id " + m.group(1) + ", this store's "
                        + (readKeys.size() == 1 ? "key has id " : "keys have ids ")
                        + readKeys.stream().map(EncryptionKey::id).collect(Collectors.joining(", "))));
        Map<String, String> opened = new HashMap<>(hash);
        opened.remove(ENCRYPTION);
        opened.put(RedisCodec.SCHEMA, RedisCodec.SCHEMA_VERSION);
        for (String field : SEALED_FIELDS) {
            String value = hash.get(field);
            if (value != null) {
                opened.put(field, open(sealedWith, encryption, account, field, value));
            }
        }
        return opened;
    }

    /** For {@code toString()}: the algorithm and key ids, never a key. */
    String describe() {
        if (key == null) {
            return "none";
        }
        return "AES-256-GCM key id " + key.id() + (readKeys.size() > 1 ? " (also reads key id " + readKeys.get(1).id() + ")" : "");
    }

    private static String open(EncryptionKey key, String encryption, AccountId account, String field, String value) {
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new RedisCodec.CorruptRecord("account " + account + ": field " + field
                    + " is not base64 of a sealed value: tampered");
        }
        try {
            byte[] plaintext = SecretCipher.open(key, associatedData(encryption, account, field), sealed);
            try {
                return new String(plaintext, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        } catch (SecretCipher.NotAuthentic e) {
            throw new RedisCodec.CorruptRecord("account " + account + ": field " + field + " does not decrypt: wrong key"
                    + " or tampered, or copied from another account or field (" + e.getMessage() + ")");
        }
    }

    private static byte[] associatedData(String encryption, AccountId account, String field) {
        return (encryption + "|" + account.name() + "|" + field).getBytes(StandardCharsets.US_ASCII);
    }
}
