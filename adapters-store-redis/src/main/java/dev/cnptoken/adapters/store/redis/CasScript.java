package dev.cnptoken.adapters.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script that compares and sets one account's state. Both keys carry the same hash tag, so
 * in a cluster they live in one slot and the script runs atomically on one node.
 *
 * <p>KEYS: 1 the refresh hash, 2 the access hash. ARGV: 1 expected version (0 = absent), 2 write id,
 * 3 expires_at (epoch ms), 4 access_token, 5 token_type, 6.. further refresh-hash fields as
 * name/value pairs.
 *
 * <p>The {@code #!lua} line (Redis 7) makes Redis refuse the whole script up front when it is out of
 * memory, instead of failing at the first write that allocates after the record was already
 * deleted.
 *
 * <p>Reply: {@code {1, version}} written, {@code {0, version}} conflict with the stored version,
 * {@code {-1, 0}} the stored version field is not a number. A repeat of a call that already took
 * effect (same write id, version one past the expected) answers {@code {1, version}} again without
 * writing, so a write whose reply was lost can be repeated safely.
 */
final class CasScript {
    static final String SOURCE = """
            #!lua
            local stored = redis.call('HGET', KEYS[1], 'version')
            local version = 0
            if stored then
              version = tonumber(stored)
              if not version then
                return {-1, 0}
              end
            end
            local expected = tonumber(ARGV[1])
            if version ~= expected then
              if version == expected + 1 and redis.call('HGET', KEYS[1], 'write_id') == ARGV[2] then
                return {1, version}
              end
              return {0, version}
            end
            local nextVersion = version + 1
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'version', string.format('%d', nextVersion), 'write_id', ARGV[2],
              'access_token', ARGV[4], 'token_type', ARGV[5], 'expires_at', ARGV[3], unpack(ARGV, 6))
            redis.call('DEL', KEYS[2])
            local now = redis.call('TIME')
            local nowMillis = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            if tonumber(ARGV[3]) > nowMillis then
              redis.call('HSET', KEYS[2], 'access_token', ARGV[4], 'token_type', ARGV[5], 'expires_at', ARGV[3])
              redis.call('PEXPIREAT', KEYS[2], ARGV[3])
            end
            return {1, nextVersion}
            """;

    static final String SHA1 = sha1(SOURCE);

    private CasScript() {}

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
