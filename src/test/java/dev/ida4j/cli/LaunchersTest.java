package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's two set-up commands on a machine whose default {@code java} is older than the build needs (Debian 12's
 * is 17): {@code ./ida4j} and {@code ./mvnw} both find a JDK 25 by themselves. The old java is a stand-in script on
 * the PATH, and JAVA_HOME is unset.
 */
class LaunchersTest {
    @TempDir
    Path tmp;

    private String runWithOldJava(String... command) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void shouldFindAJdk25ForTheLauncherAndTheBuildWithAnOlderJavaOnThePath() throws Exception {
        String home = runWithOldJava(List.of(Path.of("ida4j").toAbsolutePath().toString(), "--print-java-home")
                .toArray(String[]::new)).strip();
        assertThat(Runtime.Version.parse(javaVersion(Path.of(home))).feature()).isGreaterThanOrEqualTo(25);

        String maven = runWithOldJava(Path.of("mvnw").toAbsolutePath().toString(), "--version");
        assertThat(maven).contains("runtime: " + home).containsPattern("Java version: 2[5-9]");
    }

    private static String javaVersion(Path home) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(home.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.strip().startsWith("java.version = ")).findFirst().orElseThrow()
                .strip().substring("java.version = ".length());
    }

    @Test
    void shouldNameTheMissingJvmFlagInsteadOfDyingOfNoClassDefFoundError() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--reps", "1")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("start java with --add-modules jdk.incubator.vector")
                .doesNotContain("NoClassDefFoundError").doesNotContain("\tat ");
    }

    @Test
    void shouldLeaveTheIncubatorWarningOutOfHelpAndVersionOnly() throws Exception {
        // the launcher in a folder of its own, whose up-to-date jar is only a manifest pointing at this build's classes
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.copy(Path.of("ida4j"), root.resolve("ida4j"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(root.resolve("pom.xml"), "<project>\n  <version>0</version>\n</project>\n");
        for (String d : List.of("src/main", "bindings", "native")) {
            Files.createDirectories(root.resolve(d));
        }
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            classPath.append(' ').append(Path.of(entry).toUri());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.substring(1));
        Files.createDirectories(root.resolve("target"));
        try (var jar = new JarOutputStream(Files.newOutputStream(root.resolve("target/ida4j-0-cli.jar")), manifest)) {
            jar.flush();
        }
        String warning = "Using incubator modules";
        for (String args : List.of("--version", "--help", "help train", "train --help")) {
            String out = launch(root, args.split(" "));
            assertThat(out).as(args).doesNotContain(warning).doesNotContain("ida4j: building");
        }
        // and the warning is there for a command that computes, so its absence above means something
        assertThat(launch(root, "bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--reps", "1")).contains(warning)
                .contains("GFLOP/s");
    }

    private static String launch(Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(root.resolve("ida4j").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
