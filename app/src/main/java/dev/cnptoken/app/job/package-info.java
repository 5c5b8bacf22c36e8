/** The one-shot rotation job and the exit codes of every command. */
package dev.cnptoken.app.job;
