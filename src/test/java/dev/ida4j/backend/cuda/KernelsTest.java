package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kernels the backend launches exist: each {@link Kernel} is declared in native/kernels.h, defined with the
 * same name in its .cu file, and present (unmangled) in the fatbin the build put into the classpath. Needs no GPU.
 */
class KernelsTest {
    private static final Path NATIVE = Path.of("native");

    @Test
    void shouldDeclareEveryKernelInTheFlatHeaderAndDefineItInItsFile() throws IOException {
        String header = Files.readString(NATIVE.resolve("kernels.h"));
        for (Kernel k : Kernel.values()) {
            String declaration = "IDA4J_KERNEL void " + k.symbol() + "(";
            assertThat(header).as("kernels.h declares %s", k.symbol()).contains(declaration);
            assertThat(Files.readString(NATIVE.resolve(k.file() + ".cu")))
                    .as("%s.cu defines %s", k.file(), k.symbol()).contains(declaration);
        }
    }

    @Test
    void shouldLaunchEveryKernelTheHeaderDeclares() throws IOException {
        Matcher m = Pattern.compile("IDA4J_KERNEL void (\\w+)\\(").matcher(Files.readString(NATIVE.resolve("kernels.h")));
        var declared = m.results().map(r -> r.group(1)).collect(Collectors.toSet());
        var launched = java.util.Arrays.stream(Kernel.values()).map(Kernel::symbol).collect(Collectors.toSet());
        assertThat(launched).isEqualTo(declared);
    }

    @Test
    void shouldShipEveryKernelInTheFatbins() {
        assumeTrue(Kernels.class.getResource(Kernel.FILL.resource()) != null,
                "this build has no fatbins (nvcc was not found): nothing to check");
        for (Kernel k : Kernel.values()) {
            String image = new String(Kernels.fatbin(k), StandardCharsets.ISO_8859_1);
            assertThat(image).as("%s holds %s", k.resource(), k.symbol()).contains(k.symbol() + "\0");
        }
    }
}
