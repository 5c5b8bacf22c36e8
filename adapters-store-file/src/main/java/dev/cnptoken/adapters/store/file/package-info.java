/**
 * {@link dev.cnptoken.domain.port.TokenStore} in local files, the embedded default: {@link
 * dev.cnptoken.adapters.store.file.FileTokenStore} is the only public type. One JSON document per
 * account, replaced atomically, compare-and-set across processes through file locks, optional
 * AES-256-GCM at rest. JDK only. The file layout is a public contract: see {@code
 * docs/store-file.md}.
 */
package dev.cnptoken.adapters.store.file;
