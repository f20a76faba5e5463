package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every CUDA runtime, driver and cuBLAS call of the backend goes through the one checker ({@link Status}): a static
 * scan of the sources for calls whose status is neither passed straight to {@code runtime(}, {@code driver(} or
 * {@code cublas(} nor one of the few that are handled on purpose (listed below, each with its reason).
 */
class CheckedCallsTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/ida4j/backend/cuda");
    private static final Pattern CALL = Pattern.compile("\\b(CudaRuntime|CudaDriver|Cublas)\\.(cu\\w+)\\(");
    /** Calls whose result is not a status to check, or is checked by hand. */
    private static final Set<String> HANDLED = Set.of(
            "Status.java:cudaGetErrorName", "Status.java:cudaGetErrorString", "Status.java:cudaGetLastError",
            "Status.java:cuGetErrorName", "Status.java:cuGetErrorString", "Status.java:cublasGetStatusString",
            "Status.java:cublasGetStatusName",
            // the probe turns a failure into "no CUDA device (...)" rather than an exception
            "CudaDevice.java:cudaGetDeviceCount", "CudaDevice.java:cudaGetErrorName",
            "CudaDevice.java:cudaGetErrorString",
            // close() synchronises first but checks the status last, after releasing everything
            "CudaDevice.java:cudaStreamSynchronize",
            // out of memory becomes a message with the sizes; the rc is checked on the next line otherwise
            "DeviceAllocator.java:cudaMalloc", "DeviceAllocator.java:cudaGetLastError",
            "DeviceAllocator.java:cudaMemGetInfo");

    @Test
    void shouldCheckEveryStatus() throws IOException {
        List<String> unchecked = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = file.getFileName().toString();
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = CALL.matcher(lines.get(i));
                    while (m.find()) {
                        String fn = m.group(2);
                        boolean constant = fn.startsWith("CU") || fn.startsWith("cudaMemcpy") && !fn.contains("Async")
                                && !fn.equals("cudaMemcpy") || fn.startsWith("cudaDevAttr") || fn.startsWith("cudaError")
                                || fn.startsWith("cudaStreamNonBlocking");
                        String before = lines.get(i).substring(0, m.start());
                        boolean wrapped = before.matches(".*\\b(runtime|driver|cublas)\\($")
                                || i > 0 && lines.get(i - 1).matches(".*\\b(runtime|driver|cublas)\\($");
                        if (!constant && !wrapped && !HANDLED.contains(name + ":" + fn)) {
                            unchecked.add(name + ":" + (i + 1) + " " + fn);
                        }
                    }
                }
            }
        }
        assertThat(unchecked).as("calls whose status is not checked").isEmpty();
    }
}
