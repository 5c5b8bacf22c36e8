/**
 * Redis store benchmark: {@code RedisTokenStore}'s read + compare-and-set round trip beside raw Jedis
 * GET + SET of a value of the same size, against one real redis-server on loopback.
 */
package dev.cnptoken.benchmarks.redis;
