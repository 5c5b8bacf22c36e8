package dev.cnptoken.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.time.Instant;
import java.util.Optional;

/**
 * What one {@link FortiCnpSimulator.Endpoint} answers, once the simulator's shared hook has
 * routed the request, counted it, taken its queued fault, waited the fault's delay and checked
 * the method. Adding an endpoint (a data call such as {@code POST /api/v2/finding/list}) is a new
 * {@code Endpoint} constant and one of these; nothing else changes.
 */
@FunctionalInterface
interface EndpointHandler {
    /** The answer to {@code call}; must be thread-safe. */
    Reply answer(Call call);

    /**
     * One request as a handler sees it.
     *
     * @param exchange the request (headers, method); the body is already read
     * @param body the body decoded as UTF-8
     * @param at the simulator clock's time when the request arrived
     * @param fault the fault taken for this call, if any (never a replacing one: those are
     *     answered by the hook)
     */
    record Call(HttpExchange exchange, String body, Instant at, Optional<FortiCnpFault> fault) {
        /** The first value of a request header, if sent. */
        Optional<String> header(String name) {
            return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
        }

        @Override
        public String toString() {
            return "Call[" + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + "]";
        }
    }
}
