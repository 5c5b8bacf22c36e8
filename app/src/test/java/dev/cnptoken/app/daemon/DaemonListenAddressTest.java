package dev.cnptoken.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DaemonListenAddressTest {
    @Test
    void writesIpv6InBracketsAndCompressesItsZeros() {
        ListenAddress a = new ListenAddress(new InetSocketAddress("::1", 9464));
        assertThat(a.url()).isEqualTo("http://[::1]:9464");
        assertThat(a.hostPort()).isEqualTo("[::1]:9464");
        assertThat(a.isLoopback()).isTrue();
        assertThat(new ListenAddress(new InetSocketAddress("fe80::1:0:0:0:2", 80)).hostPort()).isEqualTo("[fe80:0:0:1::2]:80");
    }

    @Test
    void turnsAWildcardAddressIntoALoopbackUrlAndKnowsItIsExposed() {
        ListenAddress v4 = new ListenAddress(new InetSocketAddress("0.0.0.0", 9464));
        assertThat(v4.url()).isEqualTo("http://127.0.0.1:9464");
        assertThat(v4.hostPort()).isEqualTo("0.0.0.0:9464");
        assertThat(v4.isWildcard()).isTrue();
        assertThat(v4.isLoopback()).isFalse();
        ListenAddress v6 = new ListenAddress(new InetSocketAddress("::", 9464));
        assertThat(v6.url()).isEqualTo("http://[::1]:9464");
        assertThat(v6.hostPort()).isEqualTo("[::]:9464");
        assertThat(v6.isWildcard()).isTrue();
    }

    @Test
    void keepsALoopbackIpv4AddressAsItIs() {
        ListenAddress a = new ListenAddress(new InetSocketAddress("127.0.0.1", 0));
        assertThat(a.url()).isEqualTo("http://127.0.0.1:0");
        assertThat(a.isLoopback()).isTrue();
        assertThat(a.isWildcard()).isFalse();
    }
}
