package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/** The interactive console in a real terminal (tmux): prompt, Tab completion, history. */
public class ConsoleIT {

    private ApplianceHome app;
    private String session;

    @Before
    public void openConsole() throws Exception {
        // as root the console gets a network namespace of its own, so its TAP ports stay there
        app = ApplianceHome.copy(ApplianceHome.isRoot());
        session = "srv6cons" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        long t0 = System.nanoTime();
        String console = (app.netns != null ? "ip netns exec " + app.netns + " " : "") + app.home.resolve("bin/srv6") + " console";
        ApplianceHome.Run tmux = ApplianceHome.exec(null, List.of("tmux", "new-session", "-d", "-s", session,
                "-x", "160", "-y", "50", console));
        assertEquals("tmux: " + tmux, 0, tmux.exit);
        assertTrue("no srv6> prompt within 20 s:\n" + screen(), waitForScreen("srv6> ", 20_000));
        System.out.printf("console prompt after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // the admin socket answers once the boot is complete (all features installed)
        assertTrue("admin socket did not answer within 20 s",
                waitFor(() -> app.srv6("client", "echo ok").exit == 0, 20_000));
    }

    @After
    public void closeConsole() throws Exception {
        if (session != null) {
            ApplianceHome.exec(null, List.of("tmux", "kill-session", "-t", session));
        }
        if (app != null) {
            // the console's JVM ends with its terminal; wait so the copy can be removed
            for (int i = 0; i < 50 && Files.exists(app.socket()); i++) {
                Thread.sleep(100);
            }
            app.close();
        }
    }

    @Test
    public void runningConsoleIsSeenByStatusAndClient() throws Exception {
        ApplianceHome.Run status = app.srv6("status");
        assertEquals(status.toString(), 0, status.exit);
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("a second instance started next to the console: " + start, 1, start.exit);
        assertEquals("ok\n", app.srv6("client", "echo ok").out);
    }

    @Test
    public void tabCompletesACommandName() throws Exception {
        keys("bundlel", "Tab");
        assertTrue("Tab did not complete bundlel:\n" + screen(), waitForScreen("srv6> bundlelevel", 10_000));
    }

    @Test
    public void tabAfterIpOffersItsObjects() throws Exception {
        keys("ip ", "Tab");
        assertTrue("Tab after ip did not list the objects:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\naddr +link +neigh +route +sr\\s.*"), 10_000));
    }

    @Test
    public void tabCompletesTheWordsOfARoute() throws Exception {
        keys("ip -6 route add fc00::1/128 en", "Tab");
        assertTrue("encap not completed:\n" + screen(), waitForLastPrompt("srv6> ip -6 route add fc00::1/128 encap ", 10_000));
        keys("seg6l", "Tab");
        assertTrue("seg6local not completed:\n" + screen(), waitForLastPrompt("srv6> ip -6 route add fc00::1/128 encap seg6local ", 10_000));
        keys("Tab");
        assertTrue("action not offered after seg6local:\n" + screen(),
                waitForLastPrompt("srv6> ip -6 route add fc00::1/128 encap seg6local action", 10_000));
    }

    @Test
    public void tabAfterAPortOfLinkSetOffersTheSettings() throws Exception {
        keys("ip link set p0 ", "Tab");
        assertTrue("link settings not offered:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\naddress +down +mtu +up\\s.*"), 10_000));
    }

    @Test
    public void tabOffersThePortsOfTheAppliance() throws Exception {
        Assume.assumeTrue("creating TAP ports needs root", ApplianceHome.isRoot());
        for (String port : new String[] {"srv6cp0", "srv6cp1"}) {
            ApplianceHome.Run add = app.srv6("client", "ip link add " + port + " type tap");
            assertEquals(add.toString(), 0, add.exit);
        }
        keys("ip link set srv6c", "Tab");
        assertTrue("ports not offered after ip link set:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\nsrv6cp0 +srv6cp1\\s.*"), 10_000));
        keys("C-u", "ip addr add fc00::1/64 dev srv6cp1", "Tab");
        assertTrue("port not completed after dev:\n" + screen(),
                waitForLastPrompt("srv6> ip addr add fc00::1/64 dev srv6cp1 ", 10_000));
    }

    @Test
    public void tabAfterActionOffersTheInstalledBehaviors() throws Exception {
        keys("ip -6 route add fc00::1/128 encap seg6local action ", "Tab");
        assertTrue("behavior keywords not offered after action:\n" + screen(),
                // JLine lays the candidates out in columns over as many rows as they need
                waitFor(() -> screen().matches("(?s).*\\nEnd +End\\.\\S+ .*\\bEnd\\.X\\b.*"), 10_000));
        // transit behaviors are seg6 modes, not seg6local actions
        assertTrue(screen(), !screen().matches("(?s).*\\nEnd +End\\..*\\binline\\b.*"));
        keys("C-u", "ip -6 route add fc00::/16 encap seg6 mode ", "Tab");
        assertTrue("transit modes not offered after mode:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\nencap +encap\\.red +inline\\s.*"), 10_000));
    }

    @Test
    public void tabCompletesFeatureNames() throws Exception {
        keys("feature:install srv6-behavior-e", "Tab");
        assertTrue("feature names not offered:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\nsrv6-behavior-end +srv6-behavior-end-\\S+\\s.*"), 10_000));
    }

    @Test
    public void featureUninstallOffersFeaturesNotTheirBundlesAndKeepMembers() throws Exception {
        keys("feature:uninstall srv6-", "Tab");
        assertTrue("feature names not offered:\n" + screen(),
                waitFor(() -> screen().matches("(?s).*\\bsrv6-all\\b.*\\bsrv6-core\\b.*"), 10_000));
        // feature:list also lists bundles (srv6-api, srv6-shell-commands): they are no features
        assertTrue(screen(), !screen().contains("srv6-api") && !screen().contains("srv6-shell-commands"));
        keys("C-u", "feature:uninstall --k", "Tab");
        assertTrue("--keep-members not completed:\n" + screen(),
                waitFor(() -> screen().contains("srv6> feature:uninstall --keep-members"), 10_000));
    }

    @Test
    public void bareUninstallIsTheBundleCommand() throws Exception {
        // the console resolves a bare name in gogo, then felix, then any scope (etc/gosh_profile)
        String id = null;
        for (String line : app.srv6("client", "lb -s").out.split("\n")) {
            String[] cols = line.split("\\|");
            if (cols.length >= 4 && cols[3].startsWith("srv6-behavior-t-insert ")) {
                id = cols[0].trim();
            }
        }
        assertTrue("srv6-behavior-t-insert not installed at boot", id != null);
        keys("uninstall " + id, "Enter");
        assertTrue("bundle " + id + " still installed after uninstall:\n" + screen(),
                waitFor(() -> !app.srv6("client", "lb -s").out.contains("srv6-behavior-t-insert "), 10_000));
        assertTrue(!screen().contains("unknown feature"));
    }

    @Test
    public void upRecallsThePreviousCommandAndHistoryIsKeptInVar() throws Exception {
        keys("echo first-line-42", "Enter");
        assertTrue(waitForScreen("\nfirst-line-42", 10_000));
        keys("Up");
        assertTrue("Up did not recall the command:\n" + screen(), waitForLastPrompt("srv6> echo first-line-42", 10_000));
        keys("C-u", "C-d");
        assertTrue("history file not written to var/",
                waitFor(() -> Files.exists(app.home.resolve("var/.srv6_history"))
                        && Files.readString(app.home.resolve("var/.srv6_history")).contains("echo first-line-42"), 5000));
    }

    @Test
    public void rejectedCommandsPrintTheClientsErrorLineWithoutJavaNames() throws Exception {
        String[] commands = {
            "frobnicate 1 2",                      // no such command
            "ip frobnicate",                       // wrong ip object
            "ip route frob",                       // wrong verb
            "ip -6 route add fc00::1/128 frob",    // a rejected ip line
            "srv6:capture",                        // would be a Gogo coercion failure: the usage instead
            "srv6:sids extra",                     // an argument the command does not take
        };
        for (String c : commands) {
            ApplianceHome.Run client = app.srv6("client", c);
            assertEquals(client.toString(), 1, client.exit);
            String line = client.err.strip();
            assertTrue(client.toString(), line.startsWith("Error: ") && !line.contains("\n"));
            keys(c, "Enter");
            // the console prints exactly the client's line (joined where the terminal wrapped it)
            assertTrue("console did not print '" + line + "' for " + c + ":\n" + joinedScreen(),
                    waitFor(() -> joinedScreen().contains("\n" + line + "\n"), 10_000));
        }
        String screen = joinedScreen();
        for (String java : new String[] {"java.", "org.apache", "Exception"}) {
            assertFalse("'" + java + "' on the console:\n" + screen, screen.contains(java));
        }
        assertTrue(screen, screen.contains("\nError: Command not found: frobnicate; help lists the commands\n"));
        assertTrue(screen, screen.contains("\nError: unknown object 'frobnicate'; expected link, addr, route, neigh, sr;"
                + " usage: ip [ -4 | -6 | -s | -d ] { link | address | route | neighbor | sr } { COMMAND | help }\n"));
        assertTrue(screen, screen.contains("\nError: no port given; usage: srv6:capture PORT FILE|- [count N] [filter EXPR] | stop PORT|all | list\n"));
    }

    @Test
    public void ipRouteHelpPrintsTheUsageInTheConsole() throws Exception {
        keys("ip route help", "Enter");
        assertTrue("no usage:\n" + screen(), waitForScreen("\nSEG6LOCALHDR := action ACTION [ ACTION_PARAMS ] [ count ]\n", 10_000));
        assertTrue(screen(), screen().contains("\nUsage: ip [ -4 | -6 ] [ -s ] route { list | show } [ table TABLE_ID | table all ]\n"));
    }

    private void keys(String... keys) throws Exception {
        for (String k : keys) {
            ApplianceHome.exec(null, List.of("tmux", "send-keys", "-t", session, k));
        }
    }

    private String screen() throws Exception {
        return ApplianceHome.exec(null, List.of("tmux", "capture-pane", "-p", "-t", session)).out;
    }

    /** The screen and its scrollback with the lines the terminal wrapped joined again. */
    private String joinedScreen() throws Exception {
        return ApplianceHome.exec(null, List.of("tmux", "capture-pane", "-p", "-J", "-S", "-", "-t", session)).out;
    }

    private boolean waitForScreen(String text, long millis) throws Exception {
        return waitFor(() -> screen().contains(text), millis);
    }

    private boolean waitForLastPrompt(String text, long millis) throws Exception {
        return waitFor(() -> {
            String last = "";
            for (String line : screen().split("\n")) {
                if (line.startsWith("srv6> ")) {
                    last = line;
                }
            }
            return last.startsWith(text);
        }, millis);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static boolean waitFor(Check check, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        do {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return check.ok();
    }
}
