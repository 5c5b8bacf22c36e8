/**
 * A small, strict JSON reader and writer on the JDK alone, for the few places the JDK-only modules
 * need JSON (the payload of a JWT, the file store's documents). Adapters with a JSON library of their
 * own use that instead.
 */
package dev.cnptoken.domain.json;
