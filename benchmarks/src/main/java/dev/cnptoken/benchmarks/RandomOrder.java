package dev.cnptoken.benchmarks;

import java.util.Random;

/**
 * The order of the variants within one round of an interleaved harness: a new random permutation
 * each round, from a fixed seed (so runs repeat), so that every variant follows every other equally
 * often. A fixed rotation charges one variant for its predecessor's leftover work: on a 2-CPU
 * machine a call right after another client's call shares the CPUs with that client's background
 * threads (the JDK client's selector, OkHttp's pool), which made the API-call integrations look
 * 10-20 % slower than their twins.
 */
public final class RandomOrder {
    private final int[] order;
    private final Random random;

    /** An order over {@code variants} variants (0 to variants - 1). */
    public RandomOrder(int variants, long seed) {
        if (variants < 1) {
            throw new IllegalArgumentException("variants must be at least 1");
        }
        this.order = new int[variants];
        for (int i = 0; i < variants; i++) {
            order[i] = i;
        }
        this.random = new Random(seed);
    }

    /** The next round's order (Fisher-Yates); the array is reused, read it before the next call. */
    public int[] next() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
