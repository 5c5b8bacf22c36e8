package dev.cnptoken.adapters.http.retrofit;

import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.http.Field;
import retrofit2.http.FormUrlEncoded;
import retrofit2.http.Header;
import retrofit2.http.Headers;
import retrofit2.http.POST;

/**
 * The two FortiCNP authentication calls as a Retrofit service. Paths are relative so that a path
 * prefix of the base URL is kept. Bodies come back raw: {@code TokenAnswers} decodes them.
 */
interface FortiCnpAuthService {
    @FormUrlEncoded
    @POST("api/v1/auth/credentials/token/")
    @Headers("Accept: application/json")
    Call<ResponseBody> login(@Header("Authorization") String authorization, @Field("grant_type") String grantType);

    @FormUrlEncoded
    @POST("api/v1/auth/token/refresh")
    @Headers("Accept: application/json")
    Call<ResponseBody> refresh(@Field("grant_type") String grantType, @Field("refresh_token") String refreshToken);
}
