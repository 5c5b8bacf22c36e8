/**
 * Observability: engine events as log lines, and the logging set-up. The metrics come from the
 * {@code metrics-micrometer} module ({@code dev.cnptoken.micrometer.MicrometerTokenMetrics}).
 */
package dev.cnptoken.app.observe;
