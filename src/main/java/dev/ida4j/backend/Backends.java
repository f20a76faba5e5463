package dev.ida4j.backend;

import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.backend.ref.ReferenceBackend;

/** Creates backends by device name, always behind the {@link CheckedBackend}. */
public final class Backends {
    private Backends() {
    }

    /** The fast CPU backend on {@code threads} threads. */
    public static Backend cpu(int threads) {
        return new CheckedBackend(new CpuBackend(threads));
    }

    /**
     * A backend for a device name: "cpu" (fast, {@code threads} threads) or "reference" (plain loops, one thread).
     *
     * @throws IllegalArgumentException for any other name, saying which exist
     */
    public static Backend create(String device, int threads) {
        return switch (device) {
            case "cpu" -> cpu(threads);
            case "reference" -> new CheckedBackend(new ReferenceBackend());
            case "cuda" -> throw new IllegalArgumentException(
                    "device 'cuda': this build of ida4j has no CUDA backend yet; use --device cpu");
            default -> throw new IllegalArgumentException(
                    "unknown device '" + device + "': expected cpu or reference");
        };
    }
}
