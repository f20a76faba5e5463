package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.backend.cuda.CudaLibraries.Library;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search for CUDA libraries by soname, over fake library files in temporary folders (nothing is loaded). */
class CudaLibrariesTest {
    @TempDir
    Path tmp;

    private Path fakeLibrary(Path dir, Library lib) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(lib.soname()), "not an ELF file");
    }

    @Test
    void shouldSearchTheOverrideFirstThenTheLoaderPathThenSystemThenToolkitThenPython() {
        Path home = tmp.resolve("home");
        List<Path> dirs = CudaLibraries.searchDirs(
                Map.of(CudaLibraries.OVERRIDE, "/opt/a:/opt/b", "LD_LIBRARY_PATH", "/ld1::/ld2",
                        "CUDA_HOME", "/opt/cuda"),
                home, List.of(Path.of("/sys1")), List.of());
        assertThat(dirs).containsExactly(Path.of("/opt/a"), Path.of("/opt/b"), Path.of("/ld1"), Path.of("/ld2"),
                Path.of("/sys1"), Path.of("/opt/cuda/lib64"), Path.of("/usr/local/cuda/lib64"));
    }

    @Test
    void shouldFindWheelsUnderEveryPythonEnvironment() throws IOException {
        Path venv = tmp.resolve("venv");
        Path home = tmp.resolve("home");
        Path usr = tmp.resolve("usr");
        Path venvLib = venv.resolve("lib/python3.12/site-packages/nvidia/cu13/lib");
        Path userLib = home.resolve(".local/lib/python3.11/site-packages/nvidia/cublas/lib");
        Path distLib = usr.resolve("lib/python3.13/dist-packages/nvidia/cudnn/lib");
        for (Path p : List.of(venvLib, userLib, distLib)) {
            Files.createDirectories(p);
        }
        Files.createDirectories(usr.resolve("lib/python2.7/site-packages/nvidia/old/lib"));
        List<Path> dirs = CudaLibraries.searchDirs(Map.of("VIRTUAL_ENV", venv.toString()), home, List.of(),
                List.of(usr));
        assertThat(dirs).containsSubsequence(venvLib, userLib, distLib);
        assertThat(dirs).noneMatch(d -> d.toString().contains("python2.7"));
    }

    @Test
    void shouldReturnTheFirstFolderHoldingTheSoname() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        Files.createDirectories(first);
        Path wanted = fakeLibrary(second, Library.CUBLAS);
        fakeLibrary(tmp.resolve("third"), Library.CUBLAS);
        fakeLibrary(first, Library.CUBLAS_LT);
        CudaLibraries libs = new CudaLibraries(List.of(tmp.resolve("missing"), first, second, tmp.resolve("third")));
        assertThat(libs.find(Library.CUBLAS)).contains(wanted);
        assertThat(libs.find(Library.CUBLAS_LT)).contains(first.resolve("libcublasLt.so.13"));
        assertThat(libs.find(Library.DRIVER)).isEmpty();
    }

    @Test
    void shouldFollowSymbolicLinksAsTheLoaderDoes() throws IOException {
        Path real = fakeLibrary(tmp.resolve("real"), Library.RUNTIME);
        Path linked = tmp.resolve("linked");
        Files.createDirectories(linked);
        Files.createSymbolicLink(linked.resolve("libcudart.so.13"), real);
        Files.createSymbolicLink(linked.resolve("libcuda.so.1"), tmp.resolve("dangling"));
        CudaLibraries libs = new CudaLibraries(List.of(linked));
        assertThat(libs.find(Library.RUNTIME)).contains(linked.resolve("libcudart.so.13"));
        assertThat(libs.find(Library.DRIVER)).as("a dangling link is no library").isEmpty();
    }

    @Test
    void shouldNameTheMissingLibraryWhatProvidesItAndEveryFolderSearched() {
        CudaLibraries libs = new CudaLibraries(List.of(tmp.resolve("a"), tmp.resolve("b")));
        assertThatThrownBy(() -> libs.require(Library.CUBLAS))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("libcublas.so.13 not found")
                .hasMessageContaining("nvidia-cublas")
                .hasMessageContaining(tmp.resolve("a") + ", " + tmp.resolve("b"))
                .hasMessageContaining(CudaLibraries.OVERRIDE);
    }
}
