package dev.ida4j.backend;

import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.backend.cuda.CudaBackend;
import dev.ida4j.backend.ref.ReferenceBackend;

/** Creates backends by device name, always behind the {@link CheckedBackend}. */
public final class Backends {
    private Backends() {
    }

    /** The fast CPU backend on {@code threads} threads. */
    public static Backend cpu(int threads) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // without it the first kernel dies with NoClassDefFoundError, far from the cause
            throw new DeviceUnavailableException("the CPU backend needs the Vector API, an incubator module in JDK 25:"
                    + " start java with --add-modules jdk.incubator.vector (and --enable-native-access=ALL-UNNAMED)");
        }
        return new CheckedBackend(new CpuBackend(threads));
    }

    /**
     * A backend for a device name: "cpu" (fast, {@code threads} threads), "reference" (plain loops, one thread) or
     * "cuda" (GPU 0, TF32 matrix products; {@code threads} unused).
     *
     * @throws IllegalArgumentException for any other name, saying which exist
     * @throws DeviceUnavailableException for "cuda" on a machine without a usable GPU, in one line
     */
    public static Backend create(String device, int threads) {
        return create(device, threads, defaultPrecision(device));
    }

    /** The precision {@link #create(String, int)} gives a device's matrix products: TF32 on "cuda", else fp32. */
    public static MatmulPrecision defaultPrecision(String device) {
        return device.equals("cuda") ? MatmulPrecision.TF32 : MatmulPrecision.FP32;
    }

    /**
     * {@link #create(String, int)} with the matrix products' precision: any on "cuda", fp32 alone on the CPU ones.
     *
     * @throws IllegalArgumentException for an unknown device, or a precision the device does not have
     */
    public static Backend create(String device, int threads, MatmulPrecision precision) {
        if ((device.equals("cpu") || device.equals("reference")) && precision != MatmulPrecision.FP32) {
            throw new IllegalArgumentException("precision " + precision.label() + " needs --device cuda: the "
                    + device + " backend computes in fp32");
        }
        return switch (device) {
            case "cpu" -> cpu(threads);
            case "reference" -> new CheckedBackend(new ReferenceBackend());
            case "cuda" -> new CheckedBackend(CudaBackend.open(0, precision));
            default -> throw new IllegalArgumentException(
                    "unknown device '" + device + "': expected cpu, reference or cuda");
        };
    }
}
