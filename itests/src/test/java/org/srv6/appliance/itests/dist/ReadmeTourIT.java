package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * Runs the README's tour ("Two hosts through an End SID") exactly as written: the fenced shell
 * blocks between {@code <!-- tour:begin -->} and {@code <!-- tour:end -->}, in one
 * {@code bash -e}, with {@code H} set to a pristine copy of the built home as the README sets it.
 * Then checks what a reader should see: both pings answered, the End SID's counters, tcpdump
 * printing the requests with their SRH and the replies, and nothing left behind by the
 * tour's cleanup (namespaces, appliance process, ports, saved configuration, capture file).
 */
public class ReadmeTourIT {

    private static final Pattern BEGIN = Pattern.compile("^<!-- tour:begin\\b.*-->\\s*$");
    private static final Pattern END = Pattern.compile("^<!-- tour:end\\b.*-->\\s*$");
    private static final Pattern NETNS_ADD = Pattern.compile("^ip netns add (\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern STARTED = Pattern.compile("srv6: started, pid (\\d+)");
    private static final Pattern ID = Pattern.compile("\\bid \\d+");
    private static final Pattern CAPTURE_FILE = Pattern.compile("tcpdump -n -r (\\S+)");

    private ApplianceHome app;
    private Set<String> namespaces = new LinkedHashSet<>();
    private String captureFile;

    static Path readme() {
        Path readme = Paths.get(System.getProperty("srv6.readme", "../README.md"));
        assertTrue("no README at " + readme.toAbsolutePath(), Files.isRegularFile(readme));
        return readme;
    }

    /**
     * The lines of output the tour shows as examples: its indented (not fenced) blocks between the
     * markers, without the indentation.
     */
    static List<String> samples(List<String> readme) {
        List<String> samples = new ArrayList<>();
        boolean inTour = false;
        boolean inFence = false;
        for (String line : readme) {
            if (BEGIN.matcher(line).matches()) {
                inTour = true;
            } else if (END.matcher(line).matches()) {
                inTour = false;
            } else if (inTour && line.startsWith("```")) {
                inFence = !inFence;
            } else if (inTour && !inFence && line.startsWith("    ") && !line.isBlank()) {
                samples.add(line.substring(4));
            }
        }
        return samples;
    }

    /** The tour's shell lines: the fenced code blocks between the tour markers, in order. */
    static String tour(List<String> readme) {
        StringBuilder sh = new StringBuilder();
        int begins = 0;
        int ends = 0;
        boolean inTour = false;
        boolean inFence = false;
        int blocks = 0;
        for (String line : readme) {
            if (BEGIN.matcher(line).matches()) {
                begins++;
                inTour = true;
                continue;
            }
            if (END.matcher(line).matches()) {
                ends++;
                assertFalse("tour:end inside a code block", inFence);
                inTour = false;
                continue;
            }
            if (!inTour) {
                continue;
            }
            if (line.startsWith("```")) {
                inFence = !inFence;
                if (inFence) {
                    blocks++;
                }
                continue;
            }
            if (inFence) {
                sh.append(line).append('\n');
            }
        }
        assertEquals("tour:begin markers in README.md", 1, begins);
        assertEquals("tour:end markers in README.md", 1, ends);
        assertTrue("no shell block in the README's tour", blocks > 0);
        return sh.toString();
    }

    @Before
    public void copyHome() throws Exception {
        Assume.assumeTrue("needs root for ip netns and TAP ports; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy(false);
    }

    @After
    public void cleanUp() throws Exception {
        // only what the tour's own cleanup did not do (it failed half way)
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            for (String ns : namespaces) {
                if (netnsList().contains(ns)) {
                    ApplianceHome.exec(null, List.of("ip", "netns", "del", ns));
                }
            }
            if (captureFile != null) {
                ApplianceHome.deleteQuietly(Paths.get(captureFile));
            }
        }
    }

    @Test
    public void tourRunsAsWritten() throws Exception {
        List<String> readme = Files.readAllLines(readme(), StandardCharsets.UTF_8);
        String script = tour(readme);
        List<String> samples = samples(readme);
        Matcher ns = NETNS_ADD.matcher(script);
        while (ns.find()) {
            namespaces.add(ns.group(1));
        }
        assertEquals("the tour's host namespaces: " + namespaces, 2, namespaces.size());
        Matcher cap = CAPTURE_FILE.matcher(script);
        assertTrue("the tour opens no capture in tcpdump:\n" + script, cap.find());
        captureFile = cap.group(1);
        // a run of this test killed half way leaves the tour's namespaces: they are only the tour's
        for (String n : namespaces) {
            if (netnsList().contains(n)) {
                ApplianceHome.exec(null, List.of("ip", "netns", "del", n));
            }
        }
        ApplianceHome.deleteQuietly(Paths.get(captureFile));

        Path file = app.dir.resolve("tour.sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        ApplianceHome.Run run = bash(file);
        String out = run.out;
        assertEquals("the README's tour failed (bash -e):\n" + script + "\n" + run, 0, run.exit);

        // the plain ping through the router, then the one through the End SID
        assertTrue(run.toString(), out.contains("2 packets transmitted, 2 received, 0% packet loss"));
        assertTrue(run.toString(), out.contains("5 packets transmitted, 5 received, 0% packet loss"));
        // the SID counted the 5 requests, in srv6:sids and in iproute2's format
        Matcher sids = Pattern.compile("(?m)^fc00:e::1\\s+End\\s+active\\s+main\\s+-\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$").matcher(out);
        assertTrue("no End SID row in srv6:sids:\n" + run, sids.find());
        assertEquals(sids.group(0), 5, Integer.parseInt(sids.group(1)));
        assertEquals(sids.group(0), 5 * 144, Integer.parseInt(sids.group(2)));
        assertEquals(sids.group(0), 0, Integer.parseInt(sids.group(3)));
        assertTrue(run.toString(), out.contains(
                "fc00:e::1 encap seg6local action End packets 5 bytes 720 errors 0 dev r0 metric 1024"));
        // tcpdump: the requests left r1 with their SRH (Segments Left 0, destination host 2), the replies came back plain
        Matcher req = Pattern.compile("IP6 fc00:12::2 > fc00:23::2: RT6 \\(len=4, type=4, segleft=0, last-entry=1, tag=0, "
                + "\\[0\\]fc00:23::2, \\[1\\]fc00:e::1\\) ICMP6, echo request, id \\d+, seq (\\d), length 64").matcher(out);
        Matcher rep = Pattern.compile("IP6 fc00:23::2 > fc00:12::2: ICMP6, echo reply, id \\d+, seq (\\d), length 64").matcher(out);
        Set<String> requests = new LinkedHashSet<>();
        Set<String> replies = new LinkedHashSet<>();
        while (req.find()) {
            requests.add(req.group(1));
        }
        while (rep.find()) {
            replies.add(rep.group(1));
        }
        // 10 frames: a host's neighbor solicitation or listener report may take a place or two
        assertTrue("tcpdump printed no echo request with its SRH:\n" + run, requests.contains("1"));
        assertTrue("tcpdump printed no echo reply:\n" + run, replies.contains("1"));
        assertTrue("tcpdump printed too few of the ping's frames:\n" + run, requests.size() + replies.size() >= 6);
        assertTrue("tcpdump did not read the capture:\n" + run, run.err.contains("reading from file " + captureFile));

        // what the README shows as the tour's output is what it printed (ping ids differ from run to run)
        assertTrue("the README's tour shows no output", samples.size() >= 4);
        String printed = ID.matcher(out).replaceAll("id N");
        for (String sample : samples) {
            assertTrue("the README shows a line the tour did not print:\n" + sample + "\n" + run,
                    printed.contains(ID.matcher(sample).replaceAll("id N")));
        }

        // the tour's cleanup left nothing behind
        Matcher started = STARTED.matcher(out);
        assertTrue("start printed no pid:\n" + run, started.find());
        String pid = started.group(1);
        Path proc = Paths.get("/proc", pid, "cmdline");
        assertFalse("the tour's appliance (pid " + pid + ") still runs",
                Files.exists(proc) && new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).contains(app.home.toString()));
        assertEquals("status after the tour", 3, app.srv6("status").exit);
        List<String> left = netnsList();
        for (String n : namespaces) {
            assertFalse("namespace " + n + " left: " + left, left.contains(n));
        }
        assertFalse("capture file left", Files.exists(Paths.get(captureFile)));
        for (String line : Files.readAllLines(app.home.resolve("etc/srv6.conf"), StandardCharsets.UTF_8)) {
            assertTrue("the tour's configuration was not emptied: " + line, line.isBlank() || line.startsWith("#"));
        }
    }

    private static List<String> netnsList() throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : ApplianceHome.exec(null, List.of("ip", "netns", "list")).out.split("\n")) {
            if (!line.isBlank()) {
                names.add(line.trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** {@code bash -e FILE} with {@code H} set as the README sets it, from the copy's folder. */
    private ApplianceHome.Run bash(Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", file.toString());
        pb.directory(app.dir.toFile());
        pb.environment().put("H", app.home.toString());
        Path out = Files.createTempFile("rttour", ".out");
        Path err = Files.createTempFile("rttour", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the tour did not finish within 300 s:\n" + Files.readString(out) + Files.readString(err));
            }
            return new ApplianceHome.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
