package dev.ida4j.backend;

import dev.ida4j.tensor.Allocator;
import dev.ida4j.tensor.HostAllocator;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A CPU backend whose arenas behave like a GPU's: the memory is host memory (so the CPU kernels, which read
 * segments directly, work), but the arenas say they are not host-accessible, so any code outside the backend that
 * reads or writes a tensor with {@code get}/{@code set}/{@code copyFrom}/{@code toFloatArray} fails as it would on
 * CUDA. Running the models, the loop and the CLI's workloads on it proves they only move data through
 * {@link Backend#copyIn}/{@link Backend#copyOut}: what {@code --device cuda} needs, checked without a GPU.
 */
public final class OpaqueMemory {
    private OpaqueMemory() {
    }

    /** {@code cpu} with opaque arenas, behind the {@link CheckedBackend}. */
    public static Backend of(Backend cpu) {
        Backend opaque = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("arena")) {
                        return new TensorArena((String) args[0], new Opaque());
                    }
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new CheckedBackend(opaque);
    }

    private static final class Opaque implements Allocator {
        private final HostAllocator host = new HostAllocator();

        @Override
        public MemorySegment allocate(long bytes) {
            return host.allocate(bytes);
        }

        @Override
        public boolean hostAccessible() {
            return false;
        }

        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public void close() {
            host.close();
        }
    }
}
