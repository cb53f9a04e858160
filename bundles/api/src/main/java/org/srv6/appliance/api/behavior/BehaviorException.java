package org.srv6.appliance.api.behavior;

/**
 * A rejected configuration. The message is one line that says what is wrong and what would be
 * right, e.g. {@code End.X needs nh6 ADDRESS}; the shell prints it as it is.
 */
public final class BehaviorException extends Exception {
    private static final long serialVersionUID = 1L;

    public BehaviorException(String oneLine) {
        super(oneLine);
    }
}
