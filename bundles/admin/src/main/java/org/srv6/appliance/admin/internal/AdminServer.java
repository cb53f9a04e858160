package org.srv6.appliance.admin.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.felix.service.command.CommandProcessor;

/**
 * Accepts connections on the admin Unix domain socket and runs one command per connection.
 * The socket is bound inside a private directory, made 0600 and only then renamed to its
 * public name, so nobody but the owner can ever connect to it; the secret next to it (readable
 * by the owner only) must open every request.
 *
 * <p>One thread reads every request without blocking ({@link AdminRequest}), so a client that
 * connects and sends nothing costs no thread and delays nobody: it is closed after
 * {@link #REQUEST_TIMEOUT_MILLIS}, or earlier when {@link #MAX_PENDING} others wait behind it.
 * A request that is in runs on a thread of its own; {@link #MAX_CLIENTS} commands run at once.
 */
final class AdminServer implements Runnable {

    /** A connection that has not sent its request by then is closed. */
    static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    /** Commands run at once; more are answered with an error line and closed. */
    static final int MAX_CLIENTS = 64;
    /** Connections whose request is not in yet; beyond it the oldest is closed. */
    static final int MAX_PENDING = 256;

    private final Path socket;
    private final CommandProcessor processor;
    private final long requestTimeoutMillis;
    private final Set<SocketChannel> sessions = ConcurrentHashMap.newKeySet();
    /** Connections still sending their request, oldest first; only the acceptor thread touches it. */
    private final Map<SocketChannel, SelectionKey> pending = new LinkedHashMap<>();
    private volatile ServerSocketChannel server;
    private volatile Selector selector;
    private volatile boolean serving;
    private Thread acceptor;
    private AdminSecret secret;

    AdminServer(Path socket, CommandProcessor processor) {
        this(socket, processor, REQUEST_TIMEOUT_MILLIS);
    }

    AdminServer(Path socket, CommandProcessor processor, long requestTimeoutMillis) {
        this.socket = socket.toAbsolutePath();
        this.processor = processor;
        this.requestTimeoutMillis = requestTimeoutMillis;
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
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
            server = channel;
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(privateDir);
        }
        serving = true;
        acceptor = new Thread(this, "srv6-admin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    public void run() {
        List<Runnable> handOff = new ArrayList<>();
        try {
            while (serving) {
                selector.select(nextTimeout());
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key, handOff);
                    }
                }
                expire();
                if (!handOff.isEmpty()) {
                    // cancelled keys leave the selector at its next operation; only then may
                    // their channels block again
                    selector.selectNow();
                    handOff.forEach(Runnable::run);
                    handOff.clear();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (serving) {
                AdminLog.error("admin socket " + socket + " stopped serving", e);
            }
        }
    }

    private long nextTimeout() {
        if (pending.isEmpty()) {
            return 0;
        }
        AdminRequest oldest = (AdminRequest) pending.values().iterator().next().attachment();
        return Math.max(1, oldest.deadline - System.currentTimeMillis());
    }

    private void accept() throws IOException {
        SocketChannel client;
        while ((client = server.accept()) != null) {
            if (pending.size() >= MAX_PENDING) {
                // the oldest silent connection gives way: a flood of them cannot lock clients out
                Iterator<Map.Entry<SocketChannel, SelectionKey>> oldest = pending.entrySet().iterator();
                Map.Entry<SocketChannel, SelectionKey> e = oldest.next();
                oldest.remove();
                e.getValue().cancel();
                closeQuietly(e.getKey());
            }
            client.configureBlocking(false);
            AdminRequest request = new AdminRequest(System.currentTimeMillis() + requestTimeoutMillis);
            pending.put(client, client.register(selector, SelectionKey.OP_READ, request));
        }
    }

    private void read(SelectionKey key, List<Runnable> handOff) {
        SocketChannel client = (SocketChannel) key.channel();
        AdminRequest request = (AdminRequest) key.attachment();
        AdminRequest.State state;
        try {
            state = request.read(client);
            if (state == AdminRequest.State.SECRET) {
                if (!secret.matches(request.secret())) {
                    // refused before the command is read: a client that sent one line gets its answer
                    dispatch(key, client, handOff, AdminConnection::reject);
                    return;
                }
                state = request.read(client);
            }
        } catch (IOException e) {
            state = AdminRequest.State.CLOSED;
        }
        switch (state) {
            case READING -> {
            }
            case COMPLETE -> dispatch(key, client, handOff, c -> c.execute(request.command()));
            case TOO_LONG -> dispatch(key, client, handOff, c -> c.fail(AdminRequest.TOO_LONG));
            default -> {
                pending.remove(client);
                key.cancel();
                closeQuietly(client);
            }
        }
    }

    private void dispatch(SelectionKey key, SocketChannel client, List<Runnable> handOff, Consumer<AdminConnection> work) {
        pending.remove(client);
        key.cancel();
        handOff.add(() -> {
            try {
                client.configureBlocking(true);
            } catch (IOException e) {
                closeQuietly(client);
                return;
            }
            if (sessions.size() >= MAX_CLIENTS) {
                refuse(client);
                return;
            }
            sessions.add(client);
            Thread worker = new Thread(() -> {
                try {
                    work.accept(new AdminConnection(client, processor));
                } catch (RuntimeException e) {
                    AdminLog.error("admin session failed", e);
                } finally {
                    sessions.remove(client);
                    closeQuietly(client);
                }
            }, "srv6-admin-session");
            worker.setDaemon(true);
            worker.start();
        });
    }

    /** Closes the connections whose request did not come in time. */
    private void expire() {
        long now = System.currentTimeMillis();
        Iterator<Map.Entry<SocketChannel, SelectionKey>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<SocketChannel, SelectionKey> e = it.next();
            if (((AdminRequest) e.getValue().attachment()).deadline > now) {
                break; // oldest first: the others are younger
            }
            it.remove();
            e.getValue().cancel();
            closeQuietly(e.getKey());
        }
    }

    private static void refuse(SocketChannel client) {
        try (client) {
            byte[] msg = ("Error: " + MAX_CLIENTS + " admin commands are already running; retry when one has ended")
                    .getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(5 + 4 + msg.length)
                    .put(AdminConnection.EXIT).putInt(4 + msg.length).putInt(1).put(msg).flip();
            while (frame.hasRemaining()) {
                client.write(frame);
            }
        } catch (IOException ignored) {
            // the client is gone already
        }
    }

    void close() {
        serving = false;
        ServerSocketChannel s = server;
        if (s == null) {
            // never served: the socket file, if any, belongs to the server that runs
            return;
        }
        Selector sel = selector;
        if (sel != null) {
            sel.wakeup();
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(s);
        if (sel != null) {
            closeQuietly(sel);
        }
        for (SocketChannel c : pending.keySet()) {
            closeQuietly(c);
        }
        for (SocketChannel c : sessions) {
            closeQuietly(c);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            AdminLog.warn("admin socket " + socket + " cannot be removed: " + e.getMessage());
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
