/** Observability: engine events as log lines and Micrometer metrics, and the logging set-up. */
package dev.cnptoken.app.observe;
