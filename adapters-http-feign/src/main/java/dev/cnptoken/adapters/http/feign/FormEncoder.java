package dev.cnptoken.adapters.http.feign;

import feign.RequestTemplate;
import feign.codec.EncodeException;
import feign.codec.Encoder;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link FormRequest}: the form body with its content type, and the {@code Authorization}
 * header as a literal (Feign would otherwise read braces in a credential as template expressions).
 */
final class FormEncoder implements Encoder {
    @Override
    public void encode(Object object, Type bodyType, RequestTemplate template) {
        if (!(object instanceof FormRequest request)) {
            throw new EncodeException("only FormRequest bodies are supported");
        }
        template.headerLiteral("Content-Type", "application/x-www-form-urlencoded");
        request.authorization().ifPresent(a -> template.headerLiteral("Authorization", a));
        template.body(request.form().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
