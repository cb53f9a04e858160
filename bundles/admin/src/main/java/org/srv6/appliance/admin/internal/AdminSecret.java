package org.srv6.appliance.admin.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin secret: 32 random bytes as 64 lowercase hex digits, kept in a file only its owner can
 * read ({@code admin.secret} next to the socket). A client proves it runs as that owner by sending
 * the file's content as its first line; there is no default and nothing to configure.
 */
final class AdminSecret {

    /** File name; the client looks for it next to the socket. */
    static final String FILE_NAME = "admin.secret";
    private static final int BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] expected;

    private AdminSecret(String hex) {
        this.expected = hex.getBytes(StandardCharsets.US_ASCII);
    }

    /** True when {@code offered} is the secret; takes the same time wherever the first difference is. */
    boolean matches(String offered) {
        return MessageDigest.isEqual(expected, offered.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads the secret at {@code file}, creating it when absent. Creation is atomic: the content is
     * written to a private temporary file and hard-linked to its name, so a reader never sees a
     * partial secret and a secret already there is never replaced.
     */
    static AdminSecret loadOrCreate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        for (int attempt = 0; attempt < 3; attempt++) {
            String existing = read(file);
            if (existing != null) {
                if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY);
                    AdminLog.warn("admin secret " + file + " was readable by others; its mode is now 0600");
                }
                return new AdminSecret(existing);
            }
            if (Files.exists(file)) {
                if (read(file) != null) {
                    continue; // another process created it since the first read
                }
                // not 64 hex digits: replace it, the clients read the new one on their next call
                AdminLog.warn("admin secret " + file + " is not 64 hex digits; a new secret replaces it");
                Files.delete(file);
            }
            byte[] random = new byte[BYTES];
            new SecureRandom().nextBytes(random);
            String hex = HexFormat.of().formatHex(random);
            Path temp = Files.createTempFile(file.getParent(), ".admin.secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer content = ByteBuffer.wrap((hex + "\n").getBytes(StandardCharsets.US_ASCII));
                    while (content.hasRemaining()) {
                        ch.write(content);
                    }
                    ch.force(true);
                }
                Files.createLink(file, temp);
                return new AdminSecret(hex);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: read theirs on the next round
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        throw new IOException("admin secret " + file + " keeps changing while it is being created");
    }

    /** The secret in {@code file}, or null when the file is absent or does not hold 64 hex digits. */
    private static String read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.MalformedInputException e) {
            return null;
        }
        return text.matches("[0-9a-f]{" + (2 * BYTES) + "}") ? text : null;
    }
}
