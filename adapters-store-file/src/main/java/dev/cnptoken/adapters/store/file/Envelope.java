package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.crypto.SecretCipher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The encrypted form of a document (envelope format 1), byte by byte:
 *
 * <pre>
 * offset size
 *  0      8   magic, ASCII "CNPTOKEN"
 *  8      1   envelope format, 0x01 = AES-256-GCM, 96-bit nonce, 128-bit tag
 *  9      1   schema_version of the JSON document inside (0x01)
 * 10      4   key id: the first 4 bytes of SHA-256(raw 32-byte key)
 * 14     12   nonce, fresh from SecureRandom for every write
 * 26      n   AES-GCM ciphertext of the UTF-8 JSON document, followed by the 16-byte tag
 * </pre>
 *
 * The additional authenticated data is the 14-byte header (offsets 0 to 13) followed by the account
 * name in ASCII: a file copied to another account's name, or with its header edited, fails
 * authentication.
 */
final class Envelope {
    static final byte[] MAGIC = "CNPTOKEN".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_AES_256_GCM = 1;
    static final int HEADER_LENGTH = 14;
    static final int NONCE_LENGTH = SecretCipher.NONCE_LENGTH;
    static final int TAG_LENGTH = SecretCipher.TAG_LENGTH;

    private Envelope() {}

    /** Whether {@code data} starts with the envelope's magic (a plain document starts with '{'). */
    static boolean isEnvelope(byte[] data) {
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static byte[] seal(EncryptionKey key, AccountId account, byte[] plaintext, SecureRandom random) {
        byte[] header = header(FileCodec.SCHEMA_VERSION, key.idBytes());
        byte[] sealed = SecretCipher.seal(key, aad(header, account), plaintext, random);
        return ByteBuffer.allocate(HEADER_LENGTH + sealed.length).put(header).put(sealed).array();
    }

    /**
     * The plaintext document inside {@code data}.
     *
     * @param keys the keys it may be sealed with; the one whose id the header names is used
     * @throws BadDocument when the envelope is truncated, of an unknown format, sealed with none of
     *     the keys, or fails authentication (altered, or copied from another account)
     */
    static byte[] open(List<EncryptionKey> keys, AccountId account, byte[] data) throws BadDocument {
        if (data.length < HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH) {
            throw new BadDocument("is an encrypted file cut short (" + data.length + " bytes; at least "
                    + (HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH) + " expected)");
        }
        int format = data[8] & 0xff;
        if (format != FORMAT_AES_256_GCM) {
            throw new BadDocument("is an encrypted file of envelope format " + format
                    + ", this version of cnp-token reads format " + FORMAT_AES_256_GCM + " only");
        }
        int schema = data[9] & 0xff;
        if (schema != FileCodec.SCHEMA_VERSION) {
            throw new BadDocument("is an encrypted file of schema_version " + schema
                    + ", this version of cnp-token reads " + FileCodec.SCHEMA_VERSION + " only");
        }
        byte[] fileKeyId = Arrays.copyOfRange(data, 10, 14);
        EncryptionKey key = keys.stream()
                .filter(k -> Arrays.equals(fileKeyId, k.idBytes()))
                .findFirst()
                .orElseThrow(() -> new BadDocument("was encrypted with another key (key id "
                        + HexFormat.of().formatHex(fileKeyId) + "; this store's "
                        + (keys.size() == 1 ? "key has id " : "keys have ids ")
                        + keys.stream().map(EncryptionKey::id).collect(Collectors.joining(", ")) + ")"));
        byte[] header = Arrays.copyOfRange(data, 0, HEADER_LENGTH);
        try {
            return SecretCipher.open(key, aad(header, account), data, HEADER_LENGTH, data.length - HEADER_LENGTH);
        } catch (SecretCipher.NotAuthentic e) {
            throw new BadDocument("failed authentication: it was altered or truncated, or it belongs to"
                    + " another account (AES-GCM tag mismatch)");
        }
    }

    private static byte[] header(int schemaVersion, byte[] keyId) {
        return ByteBuffer.allocate(HEADER_LENGTH)
                .put(MAGIC)
                .put((byte) FORMAT_AES_256_GCM)
                .put((byte) schemaVersion)
                .put(keyId)
                .array();
    }

    private static byte[] aad(byte[] header, AccountId account) {
        byte[] name = account.name().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(header.length + name.length).put(header).put(name).array();
    }
}
