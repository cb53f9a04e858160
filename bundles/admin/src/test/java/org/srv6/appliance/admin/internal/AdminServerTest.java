package org.srv6.appliance.admin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The admin server with a real Gogo processor: silent clients, long lines, secrets. */
public class AdminServerTest {

    /** The one command of these tests. */
    public static final class Hello {
        public String hello(String name) {
            return "hello " + name;
        }
    }

    /** What the server answered: stderr text, stdout text and the exit status. */
    private record Answer(int code, String out, String err) {
    }

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private ThreadIOImpl threadIO;
    private AdminServer server;
    private Path socket;
    private final List<SocketChannel> idle = new ArrayList<>();

    @Before
    public void startServer() throws IOException {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("test", new Hello(), "hello");
        socket = tmp.getRoot().toPath().resolve("var/srv6.sock");
        server = new AdminServer(socket, processor, 500);
        server.start();
    }

    @After
    public void stopServer() throws IOException {
        for (SocketChannel c : idle) {
            c.close();
        }
        server.close();
        threadIO.stop();
    }

    private String secret() throws IOException {
        return Files.readString(AdminServer.secretFile(socket), StandardCharsets.US_ASCII).trim();
    }

    private Answer request(byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            while (true) {
                int type = in.readUnsignedByte();
                byte[] payload = in.readNBytes(in.readInt());
                switch (type) {
                    case 'O' -> out.writeBytes(payload);
                    case 'E' -> err.writeBytes(payload);
                    case 'X' -> {
                        return new Answer(ByteBuffer.wrap(payload).getInt(), out.toString(StandardCharsets.UTF_8),
                                err.toString(StandardCharsets.UTF_8));
                    }
                    default -> throw new IOException("frame type " + type);
                }
            }
        }
    }

    private Answer command(String line) throws IOException {
        return request((secret() + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private SocketChannel silent() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        idle.add(ch);
        return ch;
    }

    @Test
    public void runsACommand() throws IOException {
        Answer a = command("test:hello world");
        assertEquals(0, a.code());
        assertEquals("hello world\n", a.out());
    }

    @Test
    public void wrongSecretIsRefused() throws IOException {
        Answer a = request("0000\ntest:hello world\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, a.code());
        assertEquals(AdminConnection.AUTH_FAILED + "\n", a.err());
    }

    @Test
    public void silentConnectionsDoNotDelayOthers() throws IOException {
        // more than MAX_CLIENTS and than MAX_PENDING: the oldest silent ones give way
        for (int i = 0; i < AdminServer.MAX_PENDING + 20; i++) {
            silent();
        }
        long t0 = System.nanoTime();
        Answer a = command("test:hello again");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, a.code());
        assertEquals("hello again\n", a.out());
        assertTrue("answered after " + millis + " ms", millis < 400);
    }

    @Test
    public void silentConnectionIsClosedAfterTheRequestTimeout() throws IOException {
        SocketChannel ch = silent();
        long t0 = System.nanoTime();
        // the server closes it: end of stream, no frame
        try {
            assertEquals(-1, Channels.newInputStream(ch).read());
        } catch (EOFException e) {
            // also an end
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue("closed after " + millis + " ms", millis >= 400 && millis < 3000);
    }

    @Test
    public void lineOverOneMebibyteIsAnsweredWithAnError() throws IOException {
        byte[] head = (secret() + "\ntest:hello ").getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[head.length + AdminRequest.MAX_COMMAND + 1];
        System.arraycopy(head, 0, request, 0, head.length);
        java.util.Arrays.fill(request, head.length, request.length - 1, (byte) 'x');
        request[request.length - 1] = '\n';
        Answer a = request(request);
        assertEquals(1, a.code());
        assertEquals("", a.out());
        assertEquals("Error: request line too long (max 1 MiB)\n", a.err());
        // a line of exactly the limit still runs
        Answer ok = command("test:hello " + "y".repeat(AdminRequest.MAX_COMMAND - "test:hello ".length()));
        assertEquals(0, ok.code());
    }

    @Test
    public void requestParserKeepsTheCommandThatFollowsTheSecret() {
        AdminRequest r = new AdminRequest(0);
        assertEquals(AdminRequest.State.SECRET, r.feed("abc\nls -l\nrest".getBytes(StandardCharsets.UTF_8)));
        assertEquals("abc", r.secret());
        assertEquals(AdminRequest.State.COMPLETE, r.next());
        assertEquals("ls -l", r.command());
        AdminRequest last = new AdminRequest(0);
        assertEquals(AdminRequest.State.SECRET, last.feed("abc\nno newline".getBytes(StandardCharsets.UTF_8)));
        assertEquals(AdminRequest.State.READING, last.next());
        assertEquals(AdminRequest.State.COMPLETE, last.close());
        assertEquals("no newline", last.command());
    }
}
