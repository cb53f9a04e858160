package org.srv6.appliance.admin.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The request of one admin connection, read without blocking as its bytes arrive: the secret
 * line, then the command line (see {@link AdminConnection} for the protocol). A command line
 * longer than {@link #MAX_COMMAND} is read to its end and dropped, so the client, which writes
 * its whole request before it reads, always gets its answer.
 */
final class AdminRequest {

    /** Longest command line accepted. */
    static final int MAX_COMMAND = 1 << 20;
    static final String TOO_LONG = "Error: request line too long (max 1 MiB)";
    private static final int MAX_SECRET = 256;

    /** Where the request stands after the bytes read so far. */
    enum State {
        /** More bytes are needed. */
        READING,
        /** The secret line is in (see {@link #secret()}); the command follows. */
        SECRET,
        /** The command line is in (see {@link #command()}). */
        COMPLETE,
        /** The command line was longer than {@link #MAX_COMMAND}; it has been read to its end. */
        TOO_LONG,
        /** The client closed its side before a command came. */
        CLOSED
    }

    final long deadline;
    private ByteBuffer buffer = ByteBuffer.allocate(8192).flip();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private String secret;
    private String command;
    private boolean overflow;

    AdminRequest(long deadline) {
        this.deadline = deadline;
    }

    String secret() {
        return secret;
    }

    String command() {
        return command;
    }

    /** Reads what the channel has; returns at the first state other than READING, or when it has no more bytes. */
    State read(SocketChannel channel) throws IOException {
        while (true) {
            State s = consume();
            if (s != State.READING) {
                return s;
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return end();
            }
            if (n == 0) {
                return State.READING;
            }
        }
    }

    /** Takes {@code bytes} as if read from the channel; for tests. */
    State feed(byte[] bytes) {
        buffer = ByteBuffer.wrap(bytes);
        return consume();
    }

    /** Goes on with the bytes fed that are not consumed yet; for tests. */
    State next() {
        return consume();
    }

    /** The client closed its side; for tests. */
    State close() {
        return end();
    }

    private State consume() {
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (b != '\n') {
                int max = secret == null ? MAX_SECRET : MAX_COMMAND;
                if (line.size() >= max) {
                    if (secret == null) {
                        // not a secret: refused at once, like a wrong one
                        secret = line.toString(StandardCharsets.UTF_8).trim();
                        line.reset();
                        return State.SECRET;
                    }
                    overflow = true;
                } else {
                    line.write(b);
                }
                continue;
            }
            return lineDone();
        }
        return State.READING;
    }

    private State lineDone() {
        String text = line.toString(StandardCharsets.UTF_8).trim();
        line.reset();
        if (secret == null) {
            secret = text;
            return State.SECRET;
        }
        if (overflow) {
            return State.TOO_LONG;
        }
        command = text;
        return State.COMPLETE;
    }

    private State end() {
        if (line.size() == 0) {
            return State.CLOSED;
        }
        // a last line without its newline counts as a line
        return lineDone();
    }
}
