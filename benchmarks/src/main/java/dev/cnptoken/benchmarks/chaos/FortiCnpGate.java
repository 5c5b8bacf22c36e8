package dev.cnptoken.benchmarks.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP connections from one fixed loopback port to the FortiCNP simulator, and can be taken
 * down (the port refuses connections and open ones are cut) and brought back on the same port, so
 * daemons see FortiCNP vanish and return with its state intact. Thread-safe.
 */
final class FortiCnpGate implements AutoCloseable {
    /** Connections are few (each daemon pools a handful); this caps a runaway client all the same. */
    private static final int MAX_CONNECTIONS = 256;

    /** Where the simulator listens. */
    private final InetSocketAddress target;
    /** The port clients use; kept across outages. */
    private final int port;
    /** Every open socket of both sides, so an outage can cut them all. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** The listening socket while the gate is up; null while it is down. */
    private ServerSocket listener;
    /** Set once by {@link #close()}. */
    private boolean closed;

    private FortiCnpGate(InetSocketAddress target, ServerSocket first) {
        this.target = target;
        this.port = first.getLocalPort();
        this.listener = first;
        startAccepting(first);
    }

    /** Opens a gate on a free loopback port in front of {@code target}. */
    static FortiCnpGate open(InetSocketAddress target) throws IOException {
        Objects.requireNonNull(target, "target == null");
        return new FortiCnpGate(target, bind(0));
    }

    /** The port clients connect to. */
    int port() {
        return port;
    }

    /** Whether the gate forwards right now. */
    synchronized boolean isUp() {
        return listener != null;
    }

    /** Stops listening and cuts every open connection; no-op when already down. */
    synchronized void down() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** Listens again on the same port; no-op when already up or closed. */
    synchronized void up() throws IOException {
        if (listener != null || closed) {
            return;
        }
        listener = bind(port);
        startAccepting(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        down();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        return s;
    }

    private void startAccepting(ServerSocket server) {
        Thread t = new Thread(() -> accept(server), "chaos-gate-accept");
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed by down() or close()
            }
            if (open.size() >= 2 * MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            pump(client, upstream, "chaos-gate-up");
            pump(upstream, client, "chaos-gate-down");
        }
    }

    private void pump(Socket from, Socket to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) != -1) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away or the gate went down: end both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
