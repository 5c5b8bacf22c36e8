package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.TokenAnswers;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Reads every response body here, at most {@code cap + 1} bytes, and hands the rest of the chain
 * the bytes read, so neither Retrofit (which buffers error bodies whole) nor the adapter ever holds
 * more. A body longer than the cap shows as {@code cap + 1} bytes.
 */
final class BodyCap implements Interceptor {
    private final int cap;

    BodyCap(int cap) {
        this.cap = cap;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        ResponseBody body = response.body();
        byte[] bytes = TokenAnswers.readCapped(body.byteStream(), cap);
        return response.newBuilder().body(ResponseBody.create(bytes, body.contentType())).build();
    }
}
