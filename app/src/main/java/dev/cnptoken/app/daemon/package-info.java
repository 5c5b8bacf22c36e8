/** The long-running daemon: keeps every account fresh and serves {@code /healthz} and {@code /metrics}. */
package dev.cnptoken.app.daemon;
