package org.srv6.appliance.itests.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The built distribution (system property {@code srv6.home}) copied to a temporary directory and
 * started inside a namespace with {@code bin/srv6 start}; driven only with {@code bin/srv6 client}.
 */
public final class Appliance implements AutoCloseable {

    private final Path home;
    private final Netns ns;

    private Appliance(Path home, Netns ns) {
        this.home = home;
        this.ns = ns;
    }

    /** Copies the distribution and starts it in {@code ns}. */
    public static Appliance start(Netns ns) throws IOException {
        String src = System.getProperty("srv6.home");
        if (src == null || !Files.isDirectory(Paths.get(src, "bin"))) {
            throw new IllegalStateException("srv6.home=" + src + " is not a built distribution; build distribution/ first");
        }
        Path home = Files.createTempDirectory("srv6-kernel-");
        Netns.run(60, List.of("cp", "-a", src + "/.", home.toString())).check();
        Appliance a = new Appliance(home, ns);
        Netns.Result r = Netns.run(60, List.of("ip", "netns", "exec", ns.name(), home + "/bin/srv6", "start"));
        if (r.exitCode() != 0) {
            a.close();
            throw new IllegalStateException("appliance did not start: " + r.stderr().trim() + " " + r.stdout().trim());
        }
        return a;
    }

    /** Runs one command through the admin socket; returns the result (exit code non-zero on error). */
    public Netns.Result client(String command) {
        return Netns.run(30, List.of(home + "/bin/srv6", "client", command));
    }

    /** Runs one command and fails when it is refused. */
    public String ok(String command) {
        Netns.Result r = client(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("appliance refused '" + command + "': " + r.stderr().trim());
        }
        return r.stdout();
    }

    /** MAC address the appliance uses on {@code dev}, from {@code ip link show DEV}. */
    public byte[] mac(String dev) {
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(ok("ip link show " + dev));
        if (!m.find()) {
            throw new IllegalStateException("no link/ether in 'ip link show " + dev + "'");
        }
        return Frames.mac(m.group(1));
    }

    public Path home() {
        return home;
    }

    @Override
    public void close() {
        Netns.run(40, List.of("ip", "netns", "exec", ns.name(), home + "/bin/srv6", "stop"));
        try {
            String pid = Files.readString(home.resolve("var/srv6.pid")).trim();
            Netns.run(5, List.of("kill", "-9", pid));
        } catch (IOException | RuntimeException ignored) {
            // already stopped
        }
        try (Stream<Path> s = Files.walk(home)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory
        }
    }
}
