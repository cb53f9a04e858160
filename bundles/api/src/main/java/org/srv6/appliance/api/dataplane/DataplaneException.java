package org.srv6.appliance.api.dataplane;

/** A rejected control-plane request; the message is one line saying what is wrong and what is expected. */
public final class DataplaneException extends Exception {
    private static final long serialVersionUID = 1L;

    public DataplaneException(String oneLine) {
        super(oneLine);
    }
}
