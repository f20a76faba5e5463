package dev.ida4j.backend.cuda;

import dev.ida4j.backend.DeviceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the CUDA shared libraries by soname and loads them with {@link System#load}, so that the bindings' loader
 * lookup sees their symbols. Searched, in order: the folders of {@code IDA4J_CUDA_LIBS} (a path list), of
 * {@code LD_LIBRARY_PATH}, the system library folders, {@code $CUDA_HOME/lib64} and {@code /usr/local/cuda/lib64},
 * then the {@code nvidia/*}{@code /lib} folders of Python environments ({@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX},
 * {@code ~/.local}, {@code /usr/local}, {@code /usr}), where GPU images often keep cuBLAS and cuDNN (pip wheels).
 * A library that is missing is reported with every folder looked in.
 */
public final class CudaLibraries {
    /** The override: folders searched before anything else, separated by ':'. */
    public static final String OVERRIDE = "IDA4J_CUDA_LIBS";

    /** The libraries, in the order they must be loaded (cuBLAS needs cuBLASLt already loaded). */
    public enum Library {
        RUNTIME("libcudart.so.13", "the CUDA 13 runtime (CUDA toolkit, or pip install nvidia-cuda-runtime)"),
        DRIVER("libcuda.so.1", "the NVIDIA driver's library (installed with the GPU driver)"),
        CUBLAS_LT("libcublasLt.so.13", "cuBLASLt 13 (pip install nvidia-cublas)"),
        CUBLAS("libcublas.so.13", "cuBLAS 13 (pip install nvidia-cublas)");

        private final String soname;
        private final String what;

        Library(String soname, String what) {
            this.soname = soname;
            this.what = what;
        }

        public String soname() {
            return soname;
        }
    }

    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/lib64"), Path.of("/usr/lib"),
            Path.of("/lib"), Path.of("/usr/lib/wsl/lib"));
    private static final Set<Library> LOADED = EnumSet.noneOf(Library.class);

    private final List<Path> dirs;

    CudaLibraries(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** The search path of this process's environment. */
    public static CudaLibraries fromEnvironment() {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> pythonPrefixes = List.of(Path.of("/usr/local"), Path.of("/usr"));
        return new CudaLibraries(searchDirs(System.getenv(), home, SYSTEM_DIRS, pythonPrefixes));
    }

    /**
     * The folders to search, in order, without duplicates: the override, LD_LIBRARY_PATH, {@code systemDirs},
     * the CUDA toolkit's lib64, then {@code nvidia/*}{@code /lib} under each Python prefix's site-packages and
     * dist-packages (the virtual environment, conda, ~/.local, then {@code pythonPrefixes}). Folders that do not
     * exist are kept: the error message names them all.
     */
    static List<Path> searchDirs(Map<String, String> env, Path home, List<Path> systemDirs, List<Path> pythonPrefixes) {
        Set<Path> dirs = new LinkedHashSet<>();
        pathList(env.get(OVERRIDE), dirs);
        pathList(env.get("LD_LIBRARY_PATH"), dirs);
        dirs.addAll(systemDirs);
        if (env.get("CUDA_HOME") != null && !env.get("CUDA_HOME").isBlank()) {
            dirs.add(Path.of(env.get("CUDA_HOME"), "lib64"));
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        List<Path> prefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            if (env.get(var) != null && !env.get(var).isBlank()) {
                prefixes.add(Path.of(env.get(var)));
            }
        }
        prefixes.add(home.resolve(".local"));
        prefixes.addAll(pythonPrefixes);
        for (Path prefix : prefixes) {
            for (Path packages : pythonPackageDirs(prefix.resolve("lib"))) {
                dirs.addAll(children(packages.resolve("nvidia"), "*", "lib"));
            }
        }
        return List.copyOf(dirs);
    }

    private static void pathList(String value, Set<Path> into) {
        if (value == null) {
            return;
        }
        for (String part : value.split(":")) {
            if (!part.isBlank()) {
                into.add(Path.of(part));
            }
        }
    }

    /** {@code lib/python3*}{@code /site-packages} and {@code dist-packages}, sorted (newest Python last). */
    private static List<Path> pythonPackageDirs(Path lib) {
        List<Path> out = new ArrayList<>();
        for (Path python : children(lib, "python3*", null)) {
            out.add(python.resolve("site-packages"));
            out.add(python.resolve("dist-packages"));
        }
        return out;
    }

    /** Existing sub-folders of {@code dir} matching {@code glob}, sorted, each with {@code child} appended. */
    private static List<Path> children(Path dir, String glob, String child) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            for (Path p : stream) {
                if (Files.isDirectory(p)) {
                    out.add(child == null ? p : p.resolve(child));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
        out.sort(null);
        return out;
    }

    /** The folders searched, in order. */
    public List<Path> dirs() {
        return dirs;
    }

    /** The first file named {@code lib.soname()} in the search folders (symbolic links followed). */
    public Optional<Path> find(Library lib) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(lib.soname);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The library's file.
     *
     * @throws DeviceUnavailableException naming the soname, what provides it and every folder searched
     */
    public Path require(Library lib) {
        return find(lib).orElseThrow(() -> new DeviceUnavailableException(lib.soname + " not found: it is "
                + lib.what + "; looked in " + OVERRIDE + " (" + (System.getenv(OVERRIDE) == null ? "unset" : "set")
                + ") then " + String.join(", ", dirs.stream().map(Path::toString).toList())
                + ". Set " + OVERRIDE + " to the folder that holds it"));
    }

    /** Loads {@code libs} (each once per process), in the order given. */
    public synchronized void load(Library... libs) {
        synchronized (LOADED) {
            for (Library lib : libs) {
                if (!LOADED.contains(lib)) {
                    System.load(require(lib).toString());
                    LOADED.add(lib);
                }
            }
        }
    }
}
