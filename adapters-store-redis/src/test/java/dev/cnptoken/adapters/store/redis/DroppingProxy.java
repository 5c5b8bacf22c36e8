package dev.cnptoken.adapters.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback in front of a real redis-server that can cut one connection at the worst
 * moment of a compare-and-set: before the script reaches Redis, or after Redis ran it but before the
 * reply reaches the client. Everything else passes through untouched.
 */
final class DroppingProxy implements AutoCloseable {
    enum Cut {
        /** The next EVALSHA/EVAL is swallowed and its connection closed: Redis never sees it. */
        REQUEST,
        /** The next EVALSHA/EVAL reaches Redis; its connection is closed before the reply is passed on. */
        REPLY
    }

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicReference<Cut> armed = new AtomicReference<>();
    private final AtomicReference<Runnable> atCut = new AtomicReference<>(() -> {});
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    DroppingProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Cuts the next script call as {@code cut} says, running {@code atCut} just before closing. */
    void arm(Cut cut, Runnable atCut) {
        this.atCut.set(atCut);
        armed.set(cut);
    }

    boolean fired() {
        return armed.get() == null;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                AtomicReference<Boolean> dropReply = new AtomicReference<>(false);
                start(() -> pumpRequests(client, upstream, dropReply));
                start(() -> pumpReplies(upstream, client, dropReply));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pumpRequests(Socket client, Socket upstream, AtomicReference<Boolean> dropReply) {
        byte[] buffer = new byte[65536];
        try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (isScriptCall(buffer, n)) {
                    if (armed.compareAndSet(Cut.REQUEST, null)) {
                        atCut.get().run();
                        closeBoth(client, upstream);
                        return;
                    }
                    if (armed.compareAndSet(Cut.REPLY, null)) {
                        dropReply.set(true);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            closeBoth(client, upstream);
        }
    }

    private void pumpReplies(Socket upstream, Socket client, AtomicReference<Boolean> dropReply) {
        byte[] buffer = new byte[65536];
        try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (dropReply.get()) {
                    atCut.get().run();
                    closeBoth(client, upstream);
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            closeBoth(client, upstream);
        }
    }

    private static boolean isScriptCall(byte[] buffer, int n) {
        String head = new String(buffer, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return head.contains("\r\nEVALSHA\r\n") || head.contains("\r\nEVAL\r\n");
    }

    private static void start(Runnable pump) {
        Thread t = new Thread(pump, "dropping-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeBoth(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            b.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        });
    }
}
