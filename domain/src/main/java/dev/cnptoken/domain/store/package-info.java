/** The in-memory {@link dev.cnptoken.domain.port.TokenStore}, for one process and for tests. */
package dev.cnptoken.domain.store;
