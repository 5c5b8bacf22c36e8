/**
 * The refresh engine: serves each account's access token from memory while it is valid, refreshes
 * it ahead of expiry with jitter, logs in again before the refresh token runs out, coordinates with
 * other instances through the store's compare-and-set, and keeps serving a still-valid token through
 * outages. Start at {@link dev.cnptoken.domain.engine.TokenEngine}.
 */
package dev.cnptoken.domain.engine;
