package org.srv6.appliance.admin.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;

/**
 * Accepts connections on the admin Unix domain socket and runs one command per connection.
 * The socket is bound inside a private directory, made 0600 and only then renamed to its
 * public name, so nobody but the owner can ever connect to it; the secret next to it (readable
 * by the owner only) must open every request.
 */
final class AdminServer implements Runnable {

    /** A connection that has not sent its request by then is closed. */
    static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    /** Connections served at once; more are answered with an error line and closed. */
    static final int MAX_CLIENTS = 64;

    private final Path socket;
    private final CommandProcessor processor;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private volatile ServerSocketChannel server;
    private volatile boolean running;
    private Thread acceptor;
    private AdminSecret secret;

    AdminServer(Path socket, CommandProcessor processor) {
        this.socket = socket.toAbsolutePath();
        this.processor = processor;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "srv6-admin-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** The secret file of a socket: {@code admin.secret} in the socket's directory. */
    static Path secretFile(Path socket) {
        return socket.toAbsolutePath().resolveSibling(AdminSecret.FILE_NAME);
    }

    void start() throws IOException {
        secret = AdminSecret.loadOrCreate(secretFile(socket));
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        Path privateDir = Files.createTempDirectory(dir, ".srv6-sock",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = privateDir.resolve("s");
        try {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(temp));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            // a socket file left by a killed appliance would make the rename fail on some systems
            Files.deleteIfExists(socket);
            Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE);
            server = channel;
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(privateDir);
        }
        running = true;
        acceptor = new Thread(this, "srv6-admin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    public void run() {
        while (running) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (running) {
                    System.err.println("admin socket accept failed: " + e.getMessage());
                }
                return;
            }
            if (clients.size() >= MAX_CLIENTS) {
                refuse(client);
                continue;
            }
            clients.add(client);
            // a client that connects and never sends its request must not hold a thread forever
            ScheduledFuture<?> timeout = timer.schedule(() -> closeQuietly(client), REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            Thread worker = new Thread(() -> {
                try {
                    new AdminConnection(client, processor, secret).serve(() -> timeout.cancel(false));
                } catch (RuntimeException e) {
                    System.err.println("admin session failed: " + e);
                } finally {
                    timeout.cancel(false);
                    clients.remove(client);
                    closeQuietly(client);
                }
            }, "srv6-admin-session");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private static void refuse(SocketChannel client) {
        try (client) {
            byte[] msg = ("Error: " + MAX_CLIENTS + " admin connections are already open; retry when one has ended")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + 4 + msg.length)
                    .put(AdminConnection.EXIT).putInt(4 + msg.length).putInt(1).put(msg).flip();
            while (frame.hasRemaining()) {
                client.write(frame);
            }
        } catch (IOException ignored) {
            // the client is gone already
        }
    }

    void close() {
        running = false;
        timer.shutdownNow();
        ServerSocketChannel s = server;
        if (s == null) {
            // never served: the socket file, if any, belongs to the server that runs
            return;
        }
        closeQuietly(s);
        for (SocketChannel c : clients) {
            closeQuietly(c);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            System.err.println("admin socket " + socket + " cannot be removed: " + e.getMessage());
        }
        if (acceptor != null) {
            acceptor.interrupt();
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing during shutdown; nothing left to do
        }
    }
}
