/** Builds the engine and its adapters from the configuration. */
package dev.cnptoken.app.wiring;
