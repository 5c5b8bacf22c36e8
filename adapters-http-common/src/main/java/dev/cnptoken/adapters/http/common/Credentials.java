package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import java.util.Optional;
import java.util.OptionalInt;

/** The {@code Authorization} header of a login. */
public final class Credentials {
    private Credentials() {}

    /**
     * {@code Basic } and the credential verbatim (it is not base64 of anything).
     *
     * @throws TokenException {@code Rejected} of the credential when it holds a character an HTTP
     *     header cannot carry (outside printable ASCII)
     */
    public static String basicHeader(ApiCredential credential) {
        String value = credential.value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new TokenException(new Failure.Rejected(Failure.Subject.CREDENTIAL, OptionalInt.empty(),
                        Optional.empty(), "the API credential has a character at index " + i
                                + " that an HTTP header cannot carry (printable ASCII only)"));
            }
        }
        return "Basic " + value;
    }
}
