/**
 * {@link dev.cnptoken.domain.port.TokenStore} in Redis (standalone, Sentinel, Cluster) through Jedis 8:
 * {@link dev.cnptoken.adapters.store.redis.RedisTokenStore} is the only public type. The stored layout
 * (two hashes per account, {@code <prefix>:{<account>}:access} and {@code <prefix>:{<account>}:refresh})
 * is a public contract described in {@code docs/store-redis.md}.
 */
package dev.cnptoken.adapters.store.redis;
