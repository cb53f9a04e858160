package org.srv6.appliance.itests.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.srv6.appliance.testkit.Packets;

/**
 * A network namespace with a unique name, deleted on {@link #close()} so that a failing test
 * leaves nothing behind (use it in try-with-resources or close it in an @After method).
 */
public final class Netns implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();

    /** Result of a command: exit code and captured output. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result check() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (" + exitCode + "): " + stderr.trim() + " " + stdout.trim());
            }
            return this;
        }
    }

    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace named PREFIX + pid + sequence + suffix, with loopback up. */
    public static Netns create(String prefix, String suffix) {
        String n = prefix + ProcessHandle.current().pid() % 100000 + "x" + SEQ.incrementAndGet() + suffix;
        host("ip", "netns", "add", n).check();
        Netns ns = new Netns(n);
        ns.exec("ip", "link", "set", "lo", "up").check();
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside this namespace (10 s timeout). */
    public Result exec(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(cmd));
        return run(10, full);
    }

    /** Runs {@code sh -c script} inside this namespace, failing on a non-zero exit. */
    public Result sh(String script) {
        return exec("sh", "-c", script).check();
    }

    /** MAC address of a device in this namespace as 6 bytes. */
    public byte[] mac(String dev) {
        String s = exec("cat", "/sys/class/net/" + dev + "/address").check().stdout().trim();
        return Packets.mac(s);
    }

    /** Runs a command in the host (initial) namespace (10 s timeout). */
    public static Result host(String... cmd) {
        return run(10, Arrays.asList(cmd));
    }

    public static Result run(int timeoutSeconds, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread to = pump(p.getInputStream(), out);
            Thread te = pump(p.getErrorStream(), err);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                to.join(1000);
                te.join(1000);
                return new Result(124, out.toString(StandardCharsets.UTF_8), "timeout after " + timeoutSeconds + " s: " + cmd);
            }
            to.join(2000);
            te.join(2000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** True when running as root, which namespaces and raw sockets need. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"))
                || run(5, List.of("id", "-u")).stdout().trim().equals("0");
    }

    @Override
    public void close() {
        run(10, List.of("ip", "netns", "pids", name)).stdout().lines()
                .filter(l -> !l.isBlank())
                .forEach(pid -> run(5, List.of("kill", "-9", pid.trim())));
        host("ip", "netns", "del", name);
    }
}
