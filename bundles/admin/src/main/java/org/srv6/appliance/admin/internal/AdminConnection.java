package org.srv6.appliance.admin.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Job;

/**
 * One admin connection once its request is in ({@link AdminRequest}): runs the command line in
 * a fresh Gogo session and answers with frames.
 *
 * <pre>
 * request : the admin secret (64 hex digits) terminated by '\n', then the UTF-8 command line
 *           terminated by '\n'
 * response: frames  +------+-----------+---------+
 *                   | type | length(4) | payload |
 *                   +------+-----------+---------+
 *           type 'O' stdout bytes, 'E' stderr bytes, 'X' exit status (4-byte code, then
 *           the UTF-8 error line if any); 'X' is always last. An empty 'O' frame carries
 *           nothing (a streaming command's probe of its client).
 * </pre>
 * A wrong secret is answered as soon as its line is in ('E' "Error: authentication failed",
 * 'X' status 1). Standard output streams while the command runs; standard error is sent when
 * it has ended, as it is on success and as the one "Error: ..." line on failure. A command line
 * over 1 MiB is answered "Error: request line too long (max 1 MiB)", status 1, and not run.
 */
final class AdminConnection {

    static final byte STDOUT = 'O';
    static final byte STDERR = 'E';
    static final byte EXIT = 'X';
    /** Standard error kept of one command; beyond it the text is cut. */
    private static final int MAX_STDERR = 1 << 20;

    /**
     * Scope path of every admin session: the appliance's commands first, Gogo's built-ins, then
     * the bundle commands, then any scope.
     */
    static final String SCOPE = "srv6:gogo:felix:*";
    static final String AUTH_FAILED = "Error: authentication failed";

    private final SocketChannel channel;
    private final CommandProcessor processor;

    /** {@code channel} is in blocking mode; its request has been read by {@link AdminRequest}. */
    AdminConnection(SocketChannel channel, CommandProcessor processor) {
        this.channel = channel;
        this.processor = processor;
    }

    /** Runs {@code line} in a fresh Gogo session and answers with its output and status. */
    void execute(String line) {
        FrameStream out = new FrameStream(STDOUT);
        // stderr is held back so that a failing command answers with exactly one error line
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream perr = new PrintStream(new BoundedStream(err, MAX_STDERR), true, StandardCharsets.UTF_8);
        int code = 0;
        String error = "";
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), pout, perr)) {
            // resolve command names as the console does (etc/gosh_profile): a bare
            // `uninstall ID` is felix:uninstall, never feature:uninstall
            session.put("SCOPE", SCOPE);
            // commands that report failure by a status instead of an exception (Gogo's
            // built-ins on wrong arguments) end their job with a non-zero error
            AtomicInteger status = new AtomicInteger();
            session.setJobListener((job, previous, current) -> {
                if (current == Job.Status.Done && job.parent() == null && job.result() != null) {
                    status.set(job.result().error());
                }
            });
            try {
                Object result = session.execute(line);
                if (result != null) {
                    CharSequence text = session.format(result, Converter.INSPECT);
                    // an empty result prints nothing; a text that ends its last line gets no extra empty line
                    if (text.length() > 0 && text.charAt(text.length() - 1) == '\n') {
                        pout.print(text);
                    } else if (text.length() > 0) {
                        pout.println(text);
                    }
                }
                if (status.get() != 0) {
                    code = status.get();
                    perr.flush();
                    error = "Error: " + firstLine(err.toString(StandardCharsets.UTF_8), "command failed with status " + code);
                }
            } catch (Throwable t) {
                code = 1;
                error = "Error: " + oneLine(t);
            }
            pout.flush();
            perr.flush();
        } catch (RuntimeException e) {
            code = 1;
            error = "Error: " + oneLine(e);
        }
        byte[] errText = code == 0 ? err.toByteArray() : (error + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (errText.length > 0) {
                frame(STDERR, errText, 0, errText.length);
            }
        } catch (IOException ignored) {
            // the client went away; the command already ran to its end
        }
        exit(code, error);
    }

    /** The first non-blank line of {@code text} without a leading "Error:" or "gogo:", else {@code otherwise}. */
    static String firstLine(String text, String otherwise) {
        for (String l : text.split("\n")) {
            String t = l.strip();
            for (String prefix : new String[] {"Error:", "gogo:"}) {
                if (t.startsWith(prefix)) {
                    t = t.substring(prefix.length()).strip();
                }
            }
            if (!t.isEmpty()) {
                return t;
            }
        }
        return otherwise;
    }

    /** A wrong or missing secret: one error line, a failure status, and nothing run. */
    void reject() {
        fail(AUTH_FAILED);
    }

    /** Answers {@code error} ("Error: ...") and status 1 without running anything. */
    void fail(String error) {
        byte[] line = (error + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            frame(STDERR, line, 0, line.length);
        } catch (IOException ignored) {
            // the client went away already
        }
        exit(1, error);
    }

    private void exit(int code, String error) {
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

    private synchronized void frame(byte type, byte[] data, int off, int len) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5).put(type).putInt(len).flip();
        ByteBuffer body = ByteBuffer.wrap(data, off, len);
        while (header.hasRemaining() || body.hasRemaining()) {
            channel.write(new ByteBuffer[] {header, body});
        }
    }

    /** Passes at most {@code limit} bytes on and drops the rest, so a chatty command cannot exhaust the heap. */
    private static final class BoundedStream extends OutputStream {
        private final OutputStream target;
        private int left;

        BoundedStream(OutputStream target, int limit) {
            this.target = target;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left > 0) {
                left--;
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = Math.min(len, left);
            if (n > 0) {
                left -= n;
                target.write(b, off, n);
            }
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

        /**
         * Sends {@code len} bytes as one frame; an empty write sends an empty frame, which a
         * client prints as nothing, so a command that streams can probe whether its client is
         * still there. Once the client has gone every write fails (a {@link PrintStream} over
         * this stream then reports {@code checkError()}).
         */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                throw new IOException("the client went away");
            }
            try {
                frame(type, b, off, len);
            } catch (IOException e) {
                broken = true;
                throw e;
            }
        }
    }
}
