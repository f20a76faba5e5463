package dev.ida4j.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registry of tasks by name: the five built-in reference tasks, then every {@link Task} that
 * {@link ServiceLoader} finds through {@code META-INF/services/dev.ida4j.task.Task} on the class path (looked up once,
 * on first use), so a library user adds a task without touching the engine.
 */
public final class Tasks {
    private Tasks() {
    }

    /** Loaded on first use, so that a bad plugin fails where tasks are asked for, not at class loading elsewhere. */
    private static final class Registry {
        static final Map<String, Task> TASKS = load();

        private static Map<String, Task> load() {
            Map<String, Task> tasks = new LinkedHashMap<>();
            List<Task> builtIn = List.of(new PermutationPowering(), new SequentialAssignments(), new WildcardSearch(),
                    new ShortestPath(), new UnionFind());
            builtIn.forEach(task -> tasks.put(task.name(), task));
            for (Task task : ServiceLoader.load(Task.class)) {
                Task clash = tasks.putIfAbsent(task.name(), task);
                if (clash != null) {
                    throw new IllegalStateException("task name '" + task.name() + "' of " + task.getClass().getName()
                            + " is already taken by " + clash.getClass().getName());
                }
            }
            return tasks;
        }
    }

    /** The names of all tasks, built-ins first in the reference's order. */
    public static List<String> names() {
        return List.copyOf(Registry.TASKS.keySet());
    }

    /**
     * The task called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static Task byName(String name) {
        Task task = Registry.TASKS.get(name);
        if (task == null) {
            throw new IllegalArgumentException("unknown task '" + name + "': expected one of " + String.join(", ", names()));
        }
        return task;
    }
}
