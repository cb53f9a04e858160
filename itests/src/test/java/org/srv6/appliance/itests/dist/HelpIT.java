package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * The usage and help texts through {@code bin/srv6 client}: {@code ip help}, {@code ip route
 * help} (with the syntax of every installed behavior), {@code help} and {@code help srv6} (the
 * appliance's commands first, with their descriptions), and the one error line with the usage.
 */
public class HelpIT {

    private ApplianceHome app;

    @Before
    public void startAppliance() throws Exception {
        Assume.assumeTrue("needs root for ip netns; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy(true, "er");
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("start: " + start, 0, start.exit);
    }

    @After
    public void stopAppliance() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private ApplianceHome.Run client(String command) throws Exception {
        return app.srv6("client", command);
    }

    private String ok(String command) throws Exception {
        ApplianceHome.Run r = client(command);
        assertEquals(r.toString(), 0, r.exit);
        assertEquals(r.toString(), "", r.err);
        return r.out;
    }

    @Test
    public void usageHelpAndErrorsThroughTheClient() throws Exception {
        assertEquals("""
                Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
                where  OBJECT := { link | address | route | neighbor | sr }
                       OPTIONS := { -4 | -6 | -s[tatistics] | -d[etails] }
                """, ok("ip help"));
        for (String o : new String[] {"link", "addr", "neigh", "sr"}) {
            assertTrue(o, ok("ip " + o + " help").startsWith("Usage: ip "));
        }

        String route = ok("ip route help");
        assertTrue(route, route.startsWith("Usage: ip [ -4 | -6 ] [ -s ] route { list | show } [ table TABLE_ID | table all ]\n"));
        assertTrue(route, route.contains("\nSEG6HDR := mode SEGMODE [ tunsrc ADDRESS ] segs ADDR1,ADDRi,ADDRn [ hmac HMACKEYID ]\n"));
        assertTrue(route, route.contains("\nSEG6LOCALHDR := action ACTION [ ACTION_PARAMS ] [ count ]\n"));
        // every installed endpoint behavior with the syntax its descriptor gives (srv6:behaviors' second line)
        List<String> actions = new ArrayList<>();
        String[] lines = ok("srv6:behaviors").split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String keyword = lines[i].split(" ")[0];
            if (keyword.startsWith("End")) {
                actions.add(keyword);
                assertTrue(keyword + "\n" + route, route.matches("(?s).*\n {7}" + keyword.replace(".", "\\.") + " +"
                        + java.util.regex.Pattern.quote(lines[i + 1].strip()) + "\n.*"));
            }
        }
        assertTrue(lines.length + " lines of srv6:behaviors", actions.size() >= 10);
        assertTrue(route, route.contains("\nACTION := { " + String.join(" | ", actions) + " }\n"));

        String srv6 = ok("help srv6");
        assertTrue(srv6, srv6.startsWith("The appliance's commands (scope srv6):\n  ip              Configure ports, addresses,"));
        assertTrue(srv6, srv6.contains("\n  srv6:capture    Write what a port sends and receives as pcap to a file"
                + " or - (the client's output), as it passes; stop PORT|all, list\n                  usage: srv6:capture PORT FILE|- [count N] [filter EXPR]\n"));
        String help = ok("help");
        assertTrue(help, help.startsWith("The appliance's commands (help srv6 for their usage, ip help for the ip objects):\n"
                + "  ip              Configure ports"));
        int others = help.indexOf("\nThe shell's other commands (help NAME for one):\n");
        assertTrue(help, others > help.indexOf("srv6:keywords"));
        assertTrue(help, help.matches("(?s).*\n  felix:lb +list (all )?installed bundles.*"));
        assertFalse(help, help.contains("srv6:default"));

        // wrong words: one line, the reason then the usage; the client and the console print the same
        ApplianceHome.Run bad = client("ip route frob");
        assertEquals(bad.toString(), 1, bad.exit);
        assertEquals(bad.toString(), "Error: unknown route command 'frob'; expected add, del, replace, show; usage: "
                + "ip route { add | del | replace } PREFIX [ via ADDRESS ] [ dev PORT ] [ table TABLE_ID ]"
                + " [ encap { seg6 | seg6local } ... ] | ip route { show | help }\n", bad.err);
        bad = client("srv6:capture");
        assertEquals(bad.toString(), "Error: no port given; usage: srv6:capture PORT FILE|- [count N] [filter EXPR] | stop PORT|all | list\n", bad.err);
        bad = client("frobnicate 1 2");
        assertEquals(bad.toString(), "Error: Command not found: frobnicate; help lists the commands\n", bad.err);
        // an answer about the state has no usage
        bad = client("ip link show dev nope");
        assertEquals(bad.toString(), "Error: Device \"nope\" does not exist.\n", bad.err);
    }
}
