package dev.cnptoken.adapters.http.retrofit;

/** The refresher contract over HTTPS, trusting the simulator's certificate through a PEM file. */
class RetrofitTokenRefresherHttpsTest extends RetrofitTokenRefresherTest {
    @Override
    protected boolean useHttps() {
        return true;
    }
}
