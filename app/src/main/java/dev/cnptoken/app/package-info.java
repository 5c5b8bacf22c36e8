/**
 * The {@code cnp-token} command: configuration, wiring of the adapters, the one-shot rotation job,
 * the daemon and the diagnostic commands. The only module that knows every adapter.
 */
package dev.cnptoken.app;
