package dev.ida4j.backend.cuda;

import static dev.ida4j.backend.cuda.Status.driver;

import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.bindings.CudaDriver;
import dev.ida4j.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernels of {@code native/}, loaded from the jar's fatbins with the driver API ({@code cuModuleLoadData}
 * picks the SASS for the device, or JIT-compiles the PTX), and launched on the device's stream.
 *
 * <p>A launch is built as {@code kernels.args(ADAMW).ptr(p).f32(lr)...launchGridStride(n)}: arguments are written
 * into one reusable parameter block (one 8-byte slot each, and an array of pointers to the slots, which is what
 * {@code cuLaunchKernel} reads), so a launch allocates nothing. The argument order and types must match
 * {@code native/kernels.h} exactly; the backend is single-threaded, so the one block is enough.
 */
final class Kernels implements AutoCloseable {
    /** Threads per block of 1-D launches (a multiple of the warp size, as the block reductions need). */
    static final int BLOCK = 256;
    /** Blocks of the sum-of-squares partial pass: fixed, so the sum's order (and result) is too. */
    static final int SUM_BLOCKS = 512;
    private static final int MAX_ARGS = 16;
    private static final int WARPS_PER_BLOCK = BLOCK / 32;
    private static final int COLUMN_TILE = 32;

    private final CudaDevice device;
    private final Map<String, MemorySegment> modules = new LinkedHashMap<>();
    private final EnumMap<Kernel, MemorySegment> functions = new EnumMap<>(Kernel.class);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment slots = arena.allocate(8L * MAX_ARGS, 8);
    private final MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, MAX_ARGS);
    private final int maxGridStrideBlocks;
    private Kernel pending;
    private int argc;

    private Kernels(CudaDevice device) {
        this.device = device;
        // enough resident blocks to fill every SM several times over; grid-stride loops cover the rest
        this.maxGridStrideBlocks = Math.max(1, device.multiprocessors()) * 32;
        for (int i = 0; i < MAX_ARGS; i++) {
            pointers.setAtIndex(ValueLayout.ADDRESS, i, slots.asSlice(8L * i, 8));
        }
    }

    /** Loads every fatbin the {@link Kernel}s need and looks each kernel up. */
    static Kernels load(CudaDevice device) {
        Kernels k = new Kernels(device);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment out = scratch.allocate(ValueLayout.ADDRESS);
            for (Kernel kernel : Kernel.values()) {
                MemorySegment module = k.modules.get(kernel.file());
                if (module == null) {
                    byte[] bytes = fatbin(kernel);
                    // fatbin headers hold 8-byte fields: give the image generous alignment
                    MemorySegment image = scratch.allocate(bytes.length, 64).copyFrom(MemorySegment.ofArray(bytes));
                    driver(CudaDriver.cuModuleLoadData(out, image), "cuModuleLoadData(" + kernel.resource() + ")");
                    module = out.get(ValueLayout.ADDRESS, 0);
                    k.modules.put(kernel.file(), module);
                }
                driver(CudaDriver.cuModuleGetFunction(out, module, scratch.allocateFrom(kernel.symbol())),
                        "cuModuleGetFunction(" + kernel.symbol() + ")");
                k.functions.put(kernel, out.get(ValueLayout.ADDRESS, 0));
            }
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    /** The fatbin image of a kernel's file, read from the jar. */
    static byte[] fatbin(Kernel kernel) {
        try (InputStream in = Kernels.class.getResourceAsStream(kernel.resource())) {
            if (in == null) {
                throw new DeviceUnavailableException("this ida4j build has no CUDA kernels (" + kernel.resource()
                        + " is not in the jar): build it on a machine with nvcc (see BUILDING.md)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + kernel.resource(), e);
        }
    }

    // ---- arguments, in kernels.h order ----

    Kernels args(Kernel kernel) {
        pending = kernel;
        argc = 0;
        return this;
    }

    /** A device pointer; a null tensor passes NULL (the kernels skip nullable outputs). */
    Kernels ptr(Tensor t) {
        return ptr(t == null ? MemorySegment.NULL : t.segment());
    }

    Kernels ptr(MemorySegment deviceAddress) {
        slots.set(ValueLayout.JAVA_LONG, 8L * argc++, deviceAddress.address());
        return this;
    }

    Kernels i32(int v) {
        slots.set(ValueLayout.JAVA_INT, 8L * argc++, v);
        return this;
    }

    Kernels i64(long v) {
        slots.set(ValueLayout.JAVA_LONG, 8L * argc++, v);
        return this;
    }

    Kernels f32(float v) {
        slots.set(ValueLayout.JAVA_FLOAT, 8L * argc++, v);
        return this;
    }

    // ---- launch shapes (see native/kernels.h) ----

    /** Grid-stride kernels over n elements. */
    void launchGridStride(long n) {
        long blocks = Math.min((n + BLOCK - 1) / BLOCK, maxGridStrideBlocks);
        launch((int) Math.max(blocks, 1), 1, BLOCK, 1, 0);
    }

    /** A fixed number of 1-D blocks. */
    void launchBlocks(int blocks) {
        launch(blocks, 1, BLOCK, 1, 0);
    }

    /** Row kernels: one block per row, with {@code sharedBytes} of dynamic shared memory. */
    void launchRows(int rows, int sharedBytes) {
        launch(rows, 1, BLOCK, 1, sharedBytes);
    }

    /** Warp-row kernels: one warp per row. */
    void launchWarpRows(long rows) {
        launch(Math.toIntExact((rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK), 1, BLOCK, 1, 0);
    }

    /** Column kernels: (32, 32) blocks, one per 32 columns. */
    void launchColumns(long columns) {
        launch(Math.toIntExact((columns + COLUMN_TILE - 1) / COLUMN_TILE), 1, COLUMN_TILE, COLUMN_TILE, 0);
    }

    private void launch(int gridX, int gridY, int blockX, int blockY, int sharedBytes) {
        Kernel kernel = pending;
        pending = null;
        driver(CudaDriver.cuLaunchKernel(functions.get(kernel), gridX, gridY, 1, blockX, blockY, 1, sharedBytes,
                device.stream(), pointers, MemorySegment.NULL), "cuLaunchKernel(" + kernel.symbol() + ")");
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (MemorySegment module : modules.values()) {
            try {
                driver(CudaDriver.cuModuleUnload(module), "cuModuleUnload");
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        modules.clear();
        arena.close();
        if (first != null) {
            throw first;
        }
    }
}
