package org.srv6.appliance.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Runs one shell command in the running appliance over its admin socket (protocol: see the
 * admin bundle). Usage: {@code Client [-s SOCKET] COMMAND...}; exits with the command's status.
 * The first line sent is the secret the appliance keeps in {@code admin.secret} next to the socket.
 */
public final class Client {

    /** The secret file of a socket, written by the appliance at its first start. */
    public static final String SECRET_FILE = "admin.secret";

    /** The secret could not be read: the caller is not the appliance's owner, or it never ran. */
    public static final class SecretException extends IOException {
        SecretException(String message) {
            super(message);
        }
    }

    /** What a command produced. */
    public static final class Result {
        public final int exitCode;
        public final String stdout;
        public final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Client() {
    }

    /** Runs {@code command} and collects its output; for tests and tools. */
    public static Result run(Path socket, String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(socket, command, out, err);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code command}, streaming its output; returns the exit status. */
    public static int run(Path socket, String command, OutputStream out, OutputStream err) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            String secret = secret(socket);
            ByteBuffer request = ByteBuffer.wrap((secret + "\n" + command.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                while (request.hasRemaining()) {
                    ch.write(request);
                }
            } catch (IOException e) {
                // the appliance may have answered and closed already (a refused request): read it
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            while (true) {
                int type;
                int len;
                try {
                    type = in.readUnsignedByte();
                    len = in.readInt();
                } catch (EOFException e) {
                    throw new IOException("appliance closed the connection before the command finished");
                }
                byte[] payload = in.readNBytes(len);
                switch (type) {
                    case 'O' -> out.write(payload);
                    case 'E' -> err.write(payload);
                    case 'X' -> {
                        out.flush();
                        err.flush();
                        return ByteBuffer.wrap(payload, 0, 4).getInt();
                    }
                    default -> throw new IOException("unexpected frame type " + type + " from the appliance");
                }
            }
        }
    }

    /** Standard output failed: its reader has gone. */
    static final class StdoutClosed extends IOException {
        StdoutClosed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The process's standard output as raw bytes; a failed write is a {@link StdoutClosed}. */
    static final class StdoutStream extends OutputStream {
        private final java.io.FileOutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StdoutClosed(e);
            }
        }
    }

    /** The content of {@code admin.secret} next to {@code socket}. */
    static String secret(Path socket) throws SecretException {
        Path file = socket.toAbsolutePath().resolveSibling(SECRET_FILE);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (AccessDeniedException e) {
            throw new SecretException("cannot read " + file + ": permission denied; run as the user that started the appliance");
        } catch (NoSuchFileException e) {
            throw new SecretException("no secret " + file + "; the appliance writes it when it starts (bin/srv6 start)");
        } catch (IOException e) {
            throw new SecretException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static void main(String[] args) {
        int i = 0;
        Path socket = null;
        if (args.length > 1 && args[0].equals("-s")) {
            socket = Paths.get(args[1]);
            i = 2;
        }
        if (socket == null) {
            String home = System.getProperty("srv6.home", ".");
            socket = Paths.get(System.getProperty("srv6.admin.socket", home + "/var/srv6.sock"));
        }
        if (i >= args.length) {
            System.err.println("no command given; expected: client \"COMMAND\"");
            System.exit(2);
        }
        String command = String.join(" ", java.util.Arrays.copyOfRange(args, i, args.length));
        // raw standard output, unbuffered: binary output (srv6:capture PORT -) passes unchanged
        // and as it comes, and a reader that went away (a closed pipe) ends the client, which
        // closes the connection, which ends the command
        StdoutStream stdout = new StdoutStream();
        try {
            System.exit(run(socket, command, stdout, System.err));
        } catch (StdoutClosed e) {
            System.exit(141);
        } catch (SecretException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (java.net.SocketException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("ermission")) {
                System.err.println("cannot connect to " + socket + ": permission denied; run as the user that started the appliance");
            } else {
                System.err.println("cannot connect to " + socket + ": " + msg + "; is the appliance running (bin/srv6 status)?");
            }
            System.exit(1);
        } catch (IOException e) {
            System.err.println("cannot talk to " + socket + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
