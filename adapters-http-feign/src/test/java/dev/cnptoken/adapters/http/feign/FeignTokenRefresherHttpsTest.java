package dev.cnptoken.adapters.http.feign;

/** The refresher contract over HTTPS, trusting the simulator's certificate through a PEM file. */
class FeignTokenRefresherHttpsTest extends FeignTokenRefresherTest {
    @Override
    protected boolean useHttps() {
        return true;
    }
}
