package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The store contract against a real three-primary Redis Cluster: the hash tag keeps each account's
 * two keys in one slot (else the script would fail with CROSSSLOT), and accounts() scans every node.
 */
class RedisClusterTokenStoreTest extends TokenStoreContract {
    private static TestRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected TokenStore newStore() {
        cluster.ensureRunning();
        return RedisTokenStore.builder()
                .uri("redis://127.0.0.1:" + cluster.port(0) + "?timeout=500&connectTimeout=300")
                .cluster("127.0.0.1:" + cluster.port(1), "127.0.0.1:" + cluster.port(2))
                .keyPrefix("c" + UUID.randomUUID().toString().substring(0, 8))
                .build();
    }

    @Override
    protected void makeUnavailable() {
        cluster.stop();
    }

    @Test
    void listsAccountsWhoseKeysLiveOnDifferentNodes() {
        Set<Integer> thirds = new HashSet<>();
        Set<AccountId> accounts = new HashSet<>();
        for (int i = 0; thirds.size() < 3 && i < 1000; i++) {
            AccountId account = AccountId.of("spread-" + i);
            if (thirds.add(JedisClusterCRC16.getSlot(account.name()) * 3 / 16384)) {
                written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("t-" + i)));
                accounts.add(account);
            }
        }

        assertThat(thirds).hasSize(3);
        assertThat(store.accounts()).containsExactlyInAnyOrderElementsOf(accounts).isSorted();
    }
}
