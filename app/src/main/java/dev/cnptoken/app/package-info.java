/** The cnp-token command: wiring, CLI, rotation job and daemon. */
package dev.cnptoken.app;
