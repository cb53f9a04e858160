package org.srv6.appliance.shell.internal;

import java.util.List;

/**
 * Word handling shared by the {@code ip} objects: iproute2's prefix matching of keywords,
 * taking the next word, numbers, and the one-line errors that say what is expected.
 */
final class Args {
    private Args() {
    }

    /** iproute2's matches(): the typed word is a prefix of the keyword, at least min chars. */
    static boolean matches(String typed, String keyword, int min) {
        return typed.length() >= min && keyword.startsWith(typed);
    }

    static boolean isShow(String v) {
        return matches(v, "show", 1) || matches(v, "list", 1) || v.equals("ls") || v.equals("lst");
    }

    /** Wrong words: the one-line reason; the {@code ip} command adds the object's usage line. */
    static ShellError fail(String msg) {
        return new ShellError(msg);
    }

    /** An answer about the state (no such device, no such table): the words were right, no usage line. */
    static ShellError answer(String msg) {
        return new ShellError(msg, false);
    }

    static String next(List<String> a, String what) {
        if (a.isEmpty()) {
            throw fail("missing " + what);
        }
        return a.remove(0);
    }

    /** Drops an optional leading {@code dev}, as iproute2 allows before a port name. */
    static void skipDev(List<String> a) {
        if (!a.isEmpty() && a.get(0).equals("dev")) {
            a.remove(0);
        }
    }

    static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw fail("invalid " + what + " '" + s + "'; expected a number");
        }
    }
}
