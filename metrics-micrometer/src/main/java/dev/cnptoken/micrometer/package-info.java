/**
 * Micrometer metrics for library users: {@link dev.cnptoken.micrometer.MicrometerTokenMetrics}, a
 * {@code TokenEventListener} and {@code MeterBinder} with the same metric names as the {@code
 * cnp-token} daemon. Depends on the domain and {@code micrometer-core} only.
 */
package dev.cnptoken.micrometer;
