/** TokenStore in Redis via Jedis. */
package dev.cnptoken.adapters.store.redis;
