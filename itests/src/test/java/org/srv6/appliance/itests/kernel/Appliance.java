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
import org.srv6.appliance.testkit.Packets;

import org.srv6.appliance.itests.IoSelection;
import org.srv6.appliance.itests.PristineHome;

/**
 * The built distribution (system property {@code srv6.home}) copied pristine ({@link PristineHome}) to a temporary directory and
 * started inside a namespace with {@code bin/srv6 start}; driven only with {@code bin/srv6 client}. The copy runs on
 * the I/O backend this run selects ({@link IoSelection}).
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
        Appliance a = copy(ns);
        a.boot();
        return a;
    }

    /** Copies the distribution for {@code ns} without starting it (e.g. to write its etc/srv6.conf first). */
    public static Appliance copy(Netns ns) throws IOException {
        String src = System.getProperty("srv6.home");
        if (src == null || !Files.isDirectory(Paths.get(src, "bin"))) {
            throw new IllegalStateException("srv6.home=" + src + " is not a built distribution; build distribution/ first");
        }
        Path home = Files.createTempDirectory("srv6-kernel-").resolve("home");
        // as built: a README tour in the built home (its etc/srv6.conf, var/) is left out
        PristineHome.copy(Paths.get(src), home);
        IoSelection.configure(home);
        return new Appliance(home, ns);
    }

    /** {@code bin/srv6 start} in the namespace, then waits for the behaviors; closes this on failure. */
    public Netns.Result boot() {
        Netns.Result r = srv6("start");
        if (r.exitCode() != 0) {
            close();
            throw new IllegalStateException("appliance did not start: " + r.stderr().trim() + " " + r.stdout().trim());
        }
        awaitDataplane();
        awaitIo();
        return r;
    }

    /** The backend this run selects is the appliance's framework property {@code srv6.io} (what the core reads). */
    private void awaitIo() {
        String io = IoSelection.io();
        if (io == null) {
            return;
        }
        Netns.Result r = client("echo ($.context property srv6.io)");
        if (r.exitCode() != 0 || !r.stdout().strip().equals(io)) {
            close();
            throw new IllegalStateException("appliance does not have srv6.io=" + io + ": " + r.stderr().trim() + " " + r.stdout().trim());
        }
        System.out.println("appliance " + home + " in " + ns.name() + ": srv6.io=" + io);
    }

    private String javaOpts;

    /** JVM options ({@code SRV6_JAVA_OPTS}) for the next {@code bin/srv6 start}. */
    public Appliance javaOpts(String opts) {
        this.javaOpts = opts;
        return this;
    }

    /** Runs {@code bin/srv6 ARGS} in the appliance's namespace. */
    public Netns.Result srv6(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        if (javaOpts != null) {
            cmd.addAll(List.of("env", "SRV6_JAVA_OPTS=" + javaOpts));
        }
        cmd.add(home + "/bin/srv6");
        cmd.addAll(List.of(args));
        return Netns.run(100, cmd);
    }

    /**
     * {@code bin/srv6 start} returns once the admin socket answers; the boot features (core,
     * shell commands, behaviors) may still be activating then. Waits until {@code ip link show}
     * succeeds, i.e. the {@code ip} command and the core's port service are there, and
     * {@code srv6:keywords} lists the behaviors these tests configure.
     */
    private void awaitDataplane() {
        long deadline = System.currentTimeMillis() + 30_000;
        Netns.Result r = ready();
        while (r.exitCode() != 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = ready();
        }
        if (r.exitCode() != 0) {
            String why = r.stderr().trim() + " " + r.stdout().trim();
            close();
            throw new IllegalStateException("appliance started but did not become ready within 30 s: " + why);
        }
    }

    private static final List<String> KEYWORDS = List.of("End", "End.X", "End.T", "End.DT6", "End.DT4", "End.DT46", "encap", "inline");

    private Netns.Result ready() {
        Netns.Result r = client("ip link show");
        if (r.exitCode() != 0) {
            return r;
        }
        r = client("srv6:keywords");
        List<String> have = List.of(r.stdout().trim().split("\\s+"));
        if (r.exitCode() == 0 && !have.containsAll(KEYWORDS)) {
            return new Netns.Result(1, r.stdout(), "behaviors " + KEYWORDS + " not all registered yet");
        }
        return r;
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
        return Packets.mac(m.group(1));
    }

    /** The last {@code lines} lines of the appliance's log, to explain a failure. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(home.resolve("var/log/srv6.log"));
            return "appliance log (last " + lines + " lines):\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "no appliance log: " + e;
        }
    }

    public Path home() {
        return home;
    }

    /** @return the saved configuration ({@code etc/srv6.conf}), empty when there is none */
    public String saved() throws IOException {
        Path conf = home.resolve("etc/srv6.conf");
        return Files.exists(conf) ? Files.readString(conf) : "";
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
        // the temporary directory that holds the home
        try (Stream<Path> s = Files.walk(home.getParent())) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory
        }
    }
}
