package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Translates I/O failures of a token call into {@link Failure.Unavailable}, and a proxy's refused
 * authentication ({@link ProxyAuthenticationRefused}) into the same {@link Failure.Rejected} a 407
 * answer gets. The messages name the kind of fault and the host, never a request or response body;
 * the I/O exception is kept as the cause (JDK and HTTP-client I/O messages carry no body).
 */
public final class NetworkFailures {
    private NetworkFailures() {}

    /**
     * The failure of {@code call} for an I/O fault talking to {@code settings}' host; the message
     * names the kind of fault, the host and, for a timeout, the timeout.
     */
    public static TokenException of(TokenCall call, IOException e, HttpSettings settings) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProxyAuthenticationRefused) {
                return new TokenException(FailureClassifier.proxyRefused(call), e);
            }
        }
        return of(call, e, settings.hostPort(), settings.connectTimeout(), settings.readTimeout());
    }

    /**
     * The failure of {@code call} when its deadline ({@link HttpSettings#callTimeout()}) passed
     * before the whole answer arrived: transient, naming the host and the deadline.
     *
     * @param cause what the HTTP client threw when the exchange was cancelled, or null
     */
    public static TokenException deadline(TokenCall call, Throwable cause, HttpSettings settings) {
        String detail = TokenAnswers.where(call) + ": no complete answer from " + settings.hostPort()
                + " within the call deadline of " + settings.callTimeout().toMillis() + " ms (callTimeout); the exchange was cancelled";
        return new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), detail), cause);
    }

    private static TokenException of(TokenCall call, IOException e, String hostPort, Duration connectTimeout, Duration readTimeout) {
        IOException root = e;
        // some clients wrap the real fault in a plain IOException
        while (root.getClass() == IOException.class && root.getCause() instanceof IOException inner) {
            root = inner;
        }
        String where = TokenAnswers.where(call);
        String detail;
        if (root instanceof HttpConnectTimeoutException
                || root instanceof SocketTimeoutException && String.valueOf(root.getMessage()).toLowerCase().contains("connect")) {
            detail = where + ": connecting to " + hostPort + " timed out after " + connectTimeout.toMillis() + " ms";
        } else if (root instanceof HttpTimeoutException || root instanceof SocketTimeoutException) {
            detail = where + ": no answer from " + hostPort + ", timed out after " + readTimeout.toMillis() + " ms";
        } else if (root instanceof SSLHandshakeException || root instanceof SSLException) {
            detail = where + ": TLS handshake with " + hostPort
                    + " failed (is its certificate trusted? check the trust store or PEM CA)";
        } else if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            detail = where + ": cannot connect to " + hostPort;
        } else if (root instanceof UnknownHostException) {
            detail = where + ": unknown host in " + hostPort;
        } else if (root instanceof InterruptedIOException || root.getCause() instanceof InterruptedException) {
            detail = where + ": interrupted while waiting for " + hostPort;
        } else {
            detail = where + ": connection to " + hostPort + " failed (" + root.getClass().getSimpleName() + ")";
        }
        return new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), detail), root);
    }
}
