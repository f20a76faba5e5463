package dev.ida4j.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Names and housekeeping of {@code <run>/checkpoints/}: committed {@code step-<N>} directories (N in plain decimal),
 * and the writer's own dot-directories, {@code .tmp-step-<N>-<random>} (being written) and
 * {@code .trash-step-<N>-<random>} (being deleted), which readers never look at.
 */
final class CheckpointDirs {
    static final String CHECKPOINTS = "checkpoints";
    private static final String STEP = "step-";
    private static final String TMP = ".tmp-";
    private static final String TRASH = ".trash-";

    private CheckpointDirs() {
    }

    static Path root(Path runDir) {
        return runDir.resolve(CHECKPOINTS);
    }

    static String name(long step) {
        return STEP + step;
    }

    /** A fresh, unused sibling name for writing {@code name} before it is committed. */
    static Path temporary(Path root, String name) {
        return root.resolve(TMP + name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /** The N of a directory called {@code step-<N>} (canonical decimal, no sign or leading zeros), else empty. */
    static OptionalLong step(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(STEP)) {
            return OptionalLong.empty();
        }
        String digits = name.substring(STEP.length());
        boolean canonical = !digits.isEmpty() && digits.length() <= 19 && digits.chars().allMatch(Character::isDigit)
                && (digits.equals("0") || digits.charAt(0) != '0');
        if (!canonical) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // 19 digits above Long.MAX_VALUE
        }
    }

    /** Committed checkpoints (a {@code step-<N>} directory holding a state file), oldest step first. */
    static List<Path> committed(Path runDir) throws IOException {
        Path root = root(runDir);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (step(p).isPresent() && Files.isDirectory(p) && Files.isRegularFile(p.resolve(StateFile.NAME))) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(Comparator.comparingLong(p -> step(p).orElseThrow()));
        return dirs;
    }

    /** Deletes what an interrupted writer left behind: temporary and half-deleted directories. */
    static void removeLeftovers(Path root) throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(TMP) || name.startsWith(TRASH);
            }).forEach(leftovers::add);
        }
        for (Path p : leftovers) {
            deleteTree(p);
        }
    }

    /**
     * Deletes a committed directory: first renamed (atomically) out of the {@code step-<N>} namespace, so that a
     * crash half-way through leaves a trash directory, never a {@code step-<N>} missing some files. Absent is fine.
     */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = dir.resolveSibling(TRASH + dir.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(trash);
    }

    /** Deletes {@code dir} and everything under it (no symbolic links are followed). */
    private static void deleteTree(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = new ArrayList<>(walk.toList());
        }
        all.sort(Comparator.reverseOrder()); // children before their parents
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
