package dev.cnptoken.app;

/**
 * Marks a command that runs until it is stopped (the daemon): it logs each event at INFO, as a
 * service should, where a one-shot command says nothing on standard error unless something is wrong.
 */
interface LongRunning {}
