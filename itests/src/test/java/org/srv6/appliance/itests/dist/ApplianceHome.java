package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.srv6.appliance.itests.IoSelection;
import org.srv6.appliance.itests.PristineHome;

/**
 * A private, pristine copy of the built appliance home (so tests never share var/ and never
 * inherit a saved configuration), on the I/O backend this run selects ({@link IoSelection}), optionally run in
 * its own network namespace. Close it to stop the appliance and remove the namespace.
 */
final class ApplianceHome implements AutoCloseable {

    /** What a process printed and how it ended. */
    static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    final Path dir;
    final Path home;
    final String netns;
    /** False for a view of a moved or copied home: closing it only stops that appliance. */
    private final boolean owner;

    private ApplianceHome(Path dir, Path home, String netns, boolean owner) {
        this.dir = dir;
        this.home = home;
        this.netns = netns;
        this.owner = owner;
    }

    /** The home at {@code other} (a move or copy of this one, inside {@link #dir}), in the same namespace. */
    ApplianceHome at(Path other) {
        return new ApplianceHome(dir, other, netns, false);
    }

    static Path built() {
        Path built = Paths.get(System.getProperty("srv6.home", "../distribution/target/srv6-appliance"));
        assertTrue("no built appliance at " + built + "; build distribution first",
                Files.isExecutable(built.resolve("bin/srv6")));
        return built;
    }

    /** Copies the built home; {@code withNetns} also creates a fresh network namespace. */
    static ApplianceHome copy(boolean withNetns) throws Exception {
        return copy(withNetns ? "srv6dist" : null);
    }

    /** As {@link #copy(boolean)}, the namespace's name starting with {@code prefix}. */
    static ApplianceHome copy(boolean withNetns, String prefix) throws Exception {
        return copy(withNetns ? prefix : null);
    }

    /** Copies the built home; with {@code nsPrefix} also creates a fresh network namespace named by it. */
    static ApplianceHome copy(String nsPrefix) throws Exception {
        Path dir = Files.createTempDirectory("srv6dist");
        // other users must reach bin/ (the permission test runs the client as another user)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = dir.resolve("srv6-appliance");
        // as built: a README tour in the built home (its etc/srv6.conf, var/) is left out
        PristineHome.copy(built(), home);
        IoSelection.configure(home);
        String ns = null;
        if (nsPrefix != null) {
            ns = nsPrefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
            Run add = exec(null, List.of("ip", "netns", "add", ns));
            if (add.exit != 0) {
                fail("ip netns add " + ns + " failed: " + add);
            }
            // as in any usable namespace, the loopback is up
            exec(null, List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        }
        return new ApplianceHome(dir, home, ns, true);
    }

    Path socket() {
        return home.resolve("var/srv6.sock");
    }

    /**
     * Runs {@code bin/srv6 ARGS} in this home's namespace, from {@code cwd}. After a {@code start}
     * that succeeded, the appliance must report the backend this run selects as its framework
     * property {@code srv6.io} (what the core reads), else the test fails here.
     */
    Run srv6(Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.add(home.resolve("bin/srv6").toString());
        cmd.addAll(Arrays.asList(args));
        Run r = exec(cwd, cmd);
        if (args.length > 0 && args[0].equals("start") && r.exit == 0 && IoSelection.io() != null) {
            Run io = srv6(cwd, "client", "echo ($.context property srv6.io)");
            if (io.exit != 0 || !io.out.strip().equals(IoSelection.io())) {
                fail("the appliance started from " + home + " does not have srv6.io=" + IoSelection.io() + ": " + io);
            }
            System.out.println("appliance " + home + ": srv6.io=" + io.out.strip());
        }
        return r;
    }

    Run srv6(String... args) throws Exception {
        return srv6(null, args);
    }

    static Run exec(Path cwd, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Path out = Files.createTempFile("srv6run", ".out");
        Path err = Files.createTempFile("srv6run", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish within 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            // a home moved away has nothing left here to stop
            if (Files.exists(home.resolve("bin/srv6"))) {
                srv6("stop");
            }
        } finally {
            if (owner && netns != null) {
                exec(null, List.of("ip", "netns", "del", netns));
            }
            if (owner) {
                exec(null, List.of("rm", "-rf", dir.toString()));
            }
        }
    }

    static boolean isRoot() {
        try {
            return "0".equals(exec(null, List.of("id", "-u")).out.trim());
        } catch (Exception e) {
            return false;
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort clean-up
        }
    }
}
