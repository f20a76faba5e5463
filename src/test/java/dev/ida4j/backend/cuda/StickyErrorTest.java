package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A kernel fault (an illegal address) is reported as a sticky {@link CudaException} at the next wait. It runs in a
 * child JVM ({@link #main}): a lost context cannot be used by any later test of this one.
 */
@Tag("gpu")
class StickyErrorTest {

    @BeforeAll
    static void requireDevice() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "no CUDA device: " + reason);
    }

    @Test
    void shouldFlagAnIllegalAddressAsStickyAtTheNextWait() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), StickyErrorTest.class.getName()))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("cudaStreamSynchronize failed: cudaErrorIllegalAddress (700)")
                .contains("the CUDA context is lost");
    }

    /** Writes through a bogus device pointer, then waits: exits 3 on a sticky CudaException, 1 otherwise. */
    public static void main(String[] args) {
        try (CudaDevice device = CudaDevice.open(0, CudaLibraries.fromEnvironment());
             Kernels kernels = Kernels.load(device)) {
            long n = 1 << 20;
            kernels.args(Kernel.FILL).ptr(MemorySegment.ofAddress(64)).f32(1f).i64(n).launchGridStride(n);
            device.synchronize();
            System.out.println("no error");
            System.exit(1);
        } catch (CudaException e) {
            System.out.println(e.getMessage());
            System.exit(e.sticky() ? 3 : 1);
        }
    }
}
