package dev.ida4j.backend;

/**
 * The device asked for cannot be used on this machine: no GPU, no driver, or a library missing. Raised when a
 * backend is created, before any work; the message is one line saying what is missing and where it looked.
 */
public final class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
