package org.srv6.appliance.admin.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * One admin connection: reads one command line, runs it in a fresh Gogo session and answers
 * with frames.
 *
 * <pre>
 * request : UTF-8 command line terminated by '\n'
 * response: frames  +------+-----------+---------+
 *                   | type | length(4) | payload |
 *                   +------+-----------+---------+
 *           type 'O' stdout bytes, 'E' stderr bytes, 'X' exit status (4-byte code, then
 *           the UTF-8 error line if any); 'X' is always last.
 * </pre>
 */
final class AdminConnection {

    static final byte STDOUT = 'O';
    static final byte STDERR = 'E';
    static final byte EXIT = 'X';
    private static final int MAX_COMMAND = 1 << 20;

    private final SocketChannel channel;
    private final CommandProcessor processor;

    AdminConnection(SocketChannel channel, CommandProcessor processor) {
        this.channel = channel;
        this.processor = processor;
    }

    void serve() {
        String line;
        try {
            line = readLine(Channels.newInputStream(channel));
        } catch (IOException e) {
            return;
        }
        if (line == null) {
            return;
        }
        FrameStream out = new FrameStream(STDOUT);
        FrameStream err = new FrameStream(STDERR);
        PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream perr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = 0;
        String error = "";
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), pout, perr)) {
            // resolve command names as the console does (etc/gosh_profile)
            session.put("SCOPE", "gogo:*");
            try {
                Object result = session.execute(line);
                if (result != null) {
                    CharSequence text = session.format(result, Converter.INSPECT);
                    pout.println(text);
                }
            } catch (Throwable t) {
                code = 1;
                error = "Error: " + oneLine(t);
                perr.println(error);
            }
            pout.flush();
            perr.flush();
        } catch (RuntimeException e) {
            code = 1;
            error = "Error: " + oneLine(e);
        }
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        status.writeBytes(ByteBuffer.allocate(4).putInt(code).array());
        status.writeBytes(error.getBytes(StandardCharsets.UTF_8));
        try {
            frame(EXIT, status.toByteArray(), 0, status.size());
        } catch (IOException ignored) {
            // the client went away; the command already ran to its end
        }
    }

    private static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getMessage() == null && root.getCause() != null) {
            root = root.getCause();
        }
        String m = root.getMessage() != null ? root.getMessage() : root.getClass().getName();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).trim();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (buf.size() >= MAX_COMMAND) {
                throw new IOException("command longer than " + MAX_COMMAND + " bytes");
            }
            buf.write(b);
        }
        if (b < 0 && buf.size() == 0) {
            return null;
        }
        return buf.toString(StandardCharsets.UTF_8).trim();
    }

    private synchronized void frame(byte type, byte[] data, int off, int len) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5).put(type).putInt(len).flip();
        ByteBuffer body = ByteBuffer.wrap(data, off, len);
        while (header.hasRemaining() || body.hasRemaining()) {
            channel.write(new ByteBuffer[] {header, body});
        }
    }

    /** Sends everything written to it as frames of one type; a vanished client makes writes fail quietly. */
    private final class FrameStream extends OutputStream {
        private final byte type;
        private boolean broken;

        FrameStream(byte type) {
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken || len == 0) {
                return;
            }
            try {
                frame(type, b, off, len);
            } catch (IOException e) {
                broken = true;
            }
        }
    }
}
