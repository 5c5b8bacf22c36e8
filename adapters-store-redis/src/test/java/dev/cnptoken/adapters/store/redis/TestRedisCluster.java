package dev.cnptoken.adapters.store.redis;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A real three-primary Redis Cluster on loopback, built from the embedded redis-server binary: slots
 * split in three, nodes introduced with CLUSTER MEET. Each node keeps its nodes.conf in its own
 * directory, so the cluster forms again after {@link #stop()} and {@link #ensureRunning()}.
 */
final class TestRedisCluster implements AutoCloseable {
    private static final int SLOTS = 16384;
    private final List<TestRedis> nodes = new ArrayList<>();

    private TestRedisCluster() {}

    static TestRedisCluster start() {
        TestRedisCluster cluster = new TestRedisCluster();
        for (int i = 0; i < 3; i++) {
            cluster.nodes.add(TestRedis.start(false, "cluster-enabled yes", "cluster-config-file nodes.conf",
                    "cluster-node-timeout 1000"));
        }
        int first = 0;
        for (int i = 0; i < 3; i++) {
            int last = i == 2 ? SLOTS - 1 : (SLOTS / 3) * (i + 1) - 1;
            try (Jedis node = cluster.jedis(i)) {
                node.clusterAddSlotsRange(first, last);
                if (i > 0) {
                    node.clusterMeet("127.0.0.1", cluster.nodes.get(0).port());
                }
            }
            first = last + 1;
        }
        cluster.awaitHealthy();
        return cluster;
    }

    int port(int i) {
        return nodes.get(i).port();
    }

    /** Stops every node: the cluster is unreachable. */
    void stop() {
        nodes.forEach(TestRedis::stop);
    }

    void ensureRunning() {
        boolean restarted = false;
        for (TestRedis node : nodes) {
            if (!node.isRunning()) {
                node.ensureRunning();
                restarted = true;
            }
        }
        if (restarted) {
            awaitHealthy();
        }
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            boolean ok = true;
            for (int i = 0; i < nodes.size() && ok; i++) {
                try (Jedis node = jedis(i)) {
                    String info = node.clusterInfo();
                    ok = info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
                            && info.contains("cluster_slots_ok:16384");
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("test cluster did not become healthy within 30 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private Jedis jedis(int i) {
        return new Jedis("127.0.0.1", nodes.get(i).port());
    }

    @Override
    public void close() {
        nodes.forEach(TestRedis::close);
    }
}
