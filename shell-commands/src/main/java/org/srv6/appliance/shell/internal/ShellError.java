package org.srv6.appliance.shell.internal;

/**
 * A command the shell rejects, with the one line that says what is wrong and what is expected.
 * Printed as {@code Error: LINE} wherever it ends: the console prints an exception's
 * {@link #toString()}, the admin socket its message after "Error: ", so both show the same line
 * and no class name.
 */
final class ShellError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** True when the words were wrong (so the usage line helps), false for an answer about the state. */
    private final boolean usage;

    ShellError(String message) {
        this(message, true);
    }

    ShellError(String message, boolean usage) {
        super(message);
        this.usage = usage;
    }

    boolean wrongWords() {
        return usage;
    }

    @Override
    public String toString() {
        return "Error: " + getMessage();
    }
}
