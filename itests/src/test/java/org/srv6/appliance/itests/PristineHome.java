package org.srv6.appliance.itests;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies a built appliance home as the build made it, without what running it leaves behind:
 * {@code var/} (framework cache, secret, pid, socket, log, features state), the saved
 * configuration {@code etc/srv6.conf} with its temporary, backup and rejected files, and what was
 * dropped into {@code deploy/}. A tour of the README in {@code distribution/target/srv6-appliance}
 * therefore never changes what the tests start from.
 */
public final class PristineHome {

    private PristineHome() {
    }

    /** Whether {@code relative} (to the home) is state of a run rather than part of the build. */
    public static boolean isState(Path relative) {
        String first = relative.getNameCount() > 0 ? relative.getName(0).toString() : "";
        if (first.equals("var")) {
            return true;
        }
        if (first.equals("deploy") && relative.getNameCount() > 1) {
            return true;
        }
        if (first.equals("etc") && relative.getNameCount() == 2) {
            String name = relative.getName(1).toString();
            return name.equals("srv6.conf") || name.startsWith("srv6.conf.") || name.startsWith(".srv6.conf");
        }
        return false;
    }

    /** Copies {@code built} to {@code target} (which must not exist), keeping modes and times. */
    public static void copy(Path built, Path target) throws IOException {
        Files.walkFileTree(built, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = built.relativize(dir);
                if (isState(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.copy(dir, target.resolve(rel.toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = built.relativize(file);
                if (!isState(rel)) {
                    Files.copy(file, target.resolve(rel.toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
