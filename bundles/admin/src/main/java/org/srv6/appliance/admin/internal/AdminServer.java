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

import org.apache.felix.service.command.CommandProcessor;

/**
 * Accepts connections on the admin Unix domain socket and runs one command per connection.
 * The socket is bound inside a private directory, made 0600 and only then renamed to its
 * public name, so nobody but the owner can ever connect to it.
 */
final class AdminServer implements Runnable {

    private final Path socket;
    private final CommandProcessor processor;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;
    private volatile boolean running;
    private Thread acceptor;

    AdminServer(Path socket, CommandProcessor processor) {
        this.socket = socket.toAbsolutePath();
        this.processor = processor;
    }

    void start() throws IOException {
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
            clients.add(client);
            Thread worker = new Thread(() -> {
                try {
                    new AdminConnection(client, processor).serve();
                } finally {
                    clients.remove(client);
                    closeQuietly(client);
                }
            }, "srv6-admin-session");
            worker.setDaemon(true);
            worker.start();
        }
    }

    void close() {
        running = false;
        ServerSocketChannel s = server;
        if (s != null) {
            closeQuietly(s);
        }
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
