package org.srv6.appliance.shell.internal;

import java.util.List;

import org.srv6.appliance.api.dataplane.BehaviorInfo;

/**
 * The usage texts of {@code ip} and its objects, in iproute2's layout ({@code ip route help}
 * prints {@code Usage: ip route ...}) and limited to what the appliance takes. {@code ip route
 * help} lists the installed behaviors with the syntax of their descriptors. {@link #line} is the
 * one line a rejected {@code ip} command ends its error with.
 */
final class Usage {
    private Usage() {
    }

    static final String IP = """
            Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
            where  OBJECT := { link | address | route | neighbor | sr }
                   OPTIONS := { -4 | -6 | -s[tatistics] | -d[etails] }
            """;

    static final String LINK = """
            Usage: ip link add NAME type tap [ queues N ] [ netns NS [ name IFNAME ] ]
                   ip link add NAME type packet dev IFNAME
                   ip link add NAME type pcap [ in FILE ] [ out FILE ]
                   ip link delete [ dev ] NAME
                   ip link set [ dev ] NAME [ { up | down } ] [ mtu MTU ] [ address LLADDR ]
                                            [ vrf TABLE_ID | nomaster ]
                   ip [ -s ] [ -d ] link { show | list } [ [ dev ] NAME ]
                   ip link help
            TABLE_ID := [ main | NUMBER ]
            """;

    static final String ADDR = """
            Usage: ip [ -4 | -6 ] address { add | del } IFADDR dev PORT
                   ip [ -4 | -6 ] address { show | list } [ [ dev ] PORT ]
                   ip address help
            IFADDR := PREFIX
            """;

    static final String NEIGH = """
            Usage: ip neigh { add | del | replace | change } ADDR [ lladdr LLADDR ] dev PORT
                   ip neigh { show | flush } [ dev PORT ]
                   ip neigh help
            """;

    static final String SR = """
            Usage: ip sr tunsrc { set ADDRESS | show }
                   ip sr hmac set KEYID ALGO SECRET
                   ip sr hmac { del KEYID | show }
                   ip sr hmac policy PORT { -1 | 0 | 1 }
                   ip [ -s ] sr steer { show | add iif PORT mode STEER_MODE [ tunsrc ADDRESS ] segs SEGMENTS [ hmac KEYID ] }
                   ip sr steer del iif PORT
                   ip sr help
            ALGO := { sha1 | sha256 }
            STEER_MODE := { encap | encap.red | l2encap | l2encap.red }
            SEGMENTS := [ ADDRESS , ] ADDRESS
            """;

    private static final String ROUTE_HEAD = """
            Usage: ip [ -4 | -6 ] [ -s ] route { list | show } [ table TABLE_ID | table all ]
                   ip [ -4 | -6 ] route { add | del | replace | change } ROUTE
                   ip route help
            ROUTE := NODE_SPEC [ INFO_SPEC ]
            NODE_SPEC := [ TYPE ] PREFIX [ table TABLE_ID ] [ metric METRIC ]
            INFO_SPEC := [ ENCAPTYPE ENCAPHDR ] [ via ADDRESS ] [ dev PORT ] [ onlink ]
            TYPE := unicast
            TABLE_ID := [ local | main | default | NUMBER ]
            ENCAPTYPE := encap { seg6 | seg6local }
            ENCAPHDR := SEG6HDR | SEG6LOCALHDR
            SEG6HDR := mode SEGMODE [ tunsrc ADDRESS ] segs ADDR1,ADDRi,ADDRn [ hmac HMACKEYID ]
            SEGMODE := { encap | encap.red | inline | l2encap | l2encap.red }
            SEG6LOCALHDR := action ACTION [ ACTION_PARAMS ] [ count ]
            """;

    /** {@code ip route help}: the route syntax, then each installed behavior with its parameters. */
    static String route(List<BehaviorInfo> behaviors) {
        StringBuilder sb = new StringBuilder(ROUTE_HEAD);
        if (behaviors == null) {
            sb.append("ACTION := (the installed behaviors are listed when the srv6-core bundle is active)\n");
            return sb.toString();
        }
        List<BehaviorInfo> end = behaviors.stream().filter(b -> !"TRANSIT".equals(b.kind())).toList();
        List<BehaviorInfo> transit = behaviors.stream().filter(b -> "TRANSIT".equals(b.kind())).toList();
        sb.append("ACTION := { ").append(String.join(" | ", end.stream().map(BehaviorInfo::keyword).toList()))
                .append(" }\n");
        sb.append("ACTION_PARAMS of each installed action:\n");
        int w = 0;
        for (BehaviorInfo b : behaviors) {
            w = Math.max(w, b.keyword().length());
        }
        for (BehaviorInfo b : end) {
            sb.append(String.format("       %-" + w + "s %s%n", b.keyword(), b.syntax()).stripTrailing()).append('\n');
        }
        if (!transit.isEmpty()) {
            sb.append("installed SEGMODEs: { ")
                    .append(String.join(" | ", transit.stream().map(BehaviorInfo::keyword).toList())).append(" }\n");
        }
        return sb.toString().replace("\n\n", "\n");
    }

    /** The text {@code ip OBJECT help} prints; null for an unknown object. */
    static String of(String object, List<BehaviorInfo> behaviors) {
        return switch (object) {
            case "" -> IP;
            case "link" -> LINK;
            case "address" -> ADDR;
            case "route" -> route(behaviors);
            case "neighbor" -> NEIGH;
            case "sr" -> SR;
            default -> null;
        };
    }

    /** The one line a rejected {@code ip OBJECT} command ends its error with. */
    static String line(String object) {
        return switch (object) {
            case "link" -> "ip link { add NAME type { tap | packet | pcap } ... | delete NAME | set NAME SETTINGS | show [ NAME ] | help }";
            case "address" -> "ip address { add | del } IFADDR dev PORT | ip address { show | help }";
            case "route" -> "ip route { add | del | replace } PREFIX [ via ADDRESS ] [ dev PORT ] [ table TABLE_ID ]"
                    + " [ encap { seg6 | seg6local } ... ] | ip route { show | help }";
            case "neighbor" -> "ip neigh { add | del } ADDR lladdr LLADDR dev PORT | ip neigh { show | flush | help }";
            case "sr" -> "ip sr { tunsrc | hmac | steer } COMMAND | ip sr help";
            default -> "ip [ -4 | -6 | -s | -d ] { link | address | route | neighbor | sr } { COMMAND | help }";
        };
    }
}
