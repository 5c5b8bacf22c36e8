/** TokenRefresher over OpenFeign. */
package dev.cnptoken.adapters.http.feign;
