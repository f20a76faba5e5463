package dev.ida4j.cli;

import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.cluster.World;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.task.Tasks;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code train}'s settings by key. A key is both a config-file key and, where the flag exists, the flag's name
 * ({@code lr} and {@code --lr}): the {@link LoopConfig} fields in kebab case ({@code ema-horizon}), except
 * {@code task}, {@code pre-ln} and {@code batch}, plus {@code recipe} (the base the others change: {@link
 * LoopConfig#recipe}), {@code device}, {@code precision}, {@code out} and {@code tensorboard}. Values from a config
 * file and from flags go through the same checks; every problem is collected, each naming where it came from.
 */
final class TrainSettings {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> FIELD_NAMES = Map.of("task", "taskName", "pre-ln", "preLayerNorm",
            "batch", "trainContexts");
    /** The config fields by key, in the record's order. */
    private static final Map<String, RecordComponent> FIELDS = fields();
    /** Keys decided before the defaults can be made; each is checked here, the rest by {@link LoopConfig}. */
    private static final List<String> FIRST = List.of("recipe", "task", "mode", "size", "steps", "minutes", "seed");
    /**
     * Generation workers of a run bounded by time, on a CPU with two cores or more, unless the settings choose: such a
     * run has no step count to reproduce anyway, and on the 2-core development machine two workers gave 2.1-2.3x
     * the fresh amplified targets per second of the synchronous loop and, after 30 minutes, about twice its accuracy
     * at size 16 on two tasks (union-find 30 → 64 %, sequential assignments 25 → 60 %; no gain on wildcard search and
     * permutation powering; benchmarks/RESULTS.md). A run bounded by steps stays synchronous and deterministic, and so
     * does each process of a job of several (mpirun, srun).
     */
    static final int TIMED_GENERATION_WORKERS = 2;
    /**
     * The size of the demo, {@code ida4j train} with no task, size, steps or minutes: permutation powering at 4, whose
     * teacher went from 40 % after 250 steps to 81-97 % in its last evaluations of a 5-minute run on the 2-core
     * development machine (13,000 X steps; at size 16 it was 7 % with the curriculum still at 8).
     */
    static final int DEMO_SIZE = 4;

    /** A value for a key and where it came from ({@code "--lr"}, {@code "run.toml:3"}). */
    record Setting(JsonNode value, String source) {
    }

    /**
     * The outcome: the config, the device, its products' precision (null: the device's default), the run directory
     * if one was set (else null), TensorBoard or not.
     */
    record Resolved(LoopConfig config, String device, MatmulPrecision precision, Path out, boolean tensorboard) {
    }

    private TrainSettings() {
    }

    private static Map<String, RecordComponent> fields() {
        Map<String, RecordComponent> m = new LinkedHashMap<>();
        for (RecordComponent c : LoopConfig.class.getRecordComponents()) {
            String key = FIELD_NAMES.entrySet().stream().filter(e -> e.getValue().equals(c.getName()))
                    .map(Map.Entry::getKey).findFirst()
                    .orElse(c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
            m.put(key, c);
        }
        return m;
    }

    /** Every key a config file may hold. */
    static List<String> keys() {
        List<String> keys = new ArrayList<>(FIELDS.keySet());
        keys.addAll(List.of("recipe", "device", "precision", "out", "tensorboard"));
        return keys;
    }

    /** A flag's value as a setting (what picocli parsed; paths as text). */
    static Setting flag(String key, Object value) {
        Object v = value instanceof Path p ? p.toString() : value;
        return new Setting(JSON.valueToTree(v), "--" + key);
    }

    /**
     * The config from the merged settings (later sources already replaced earlier ones), or null with the problems
     * added to {@code problems}, each naming its source and key.
     */
    static Resolved resolve(Map<String, Setting> settings, List<String> problems) {
        int before = problems.size();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            String key = e.getKey();
            Setting s = e.getValue();
            try {
                values.put(key, value(key, s.value()));
            } catch (IllegalArgumentException ex) {
                problems.add(describe(key, s) + ": " + ex.getMessage());
            }
        }
        if (!keys().containsAll(settings.keySet())) {
            problems.add("valid keys: " + String.join(", ", keys()));   // once, however many keys are unknown
        }
        Long steps = (Long) values.get("steps");
        Double minutes = (Double) values.get("minutes");
        double mins = minutes != null ? minutes : steps == null ? 5 : 0;
        String task = (String) values.getOrDefault("task", "permutation-powering");
        Mode mode = (Mode) values.getOrDefault("mode", Mode.AMPLIFICATION);
        // the demo (no task, size, steps or minutes given) must show amplification learning in its five minutes
        boolean demo = !values.containsKey("task") && !values.containsKey("size") && steps == null && minutes == null;
        int size = (Integer) values.getOrDefault("size", demo ? DEMO_SIZE : 16);
        long seed = (Long) values.getOrDefault("seed", 1L);
        String recipe = (String) values.getOrDefault("recipe", LoopConfig.RECIPES.getFirst());
        LoopConfig base;
        try {
            base = LoopConfig.recipe(recipe, task, mode, size, steps == null ? 0 : steps, mins, seed);
        } catch (IllegalArgumentException ex) {
            // a problem of its own key, reported above; check the remaining keys against the plain defaults
            base = LoopConfig.defaults("permutation-powering", Mode.AMPLIFICATION, 16, 0, 5, 1);
        }
        ObjectNode all = JSON.valueToTree(base);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            RecordComponent field = FIELDS.get(e.getKey());
            if (field == null || FIRST.contains(e.getKey())) {
                continue;
            }
            try {
                base.with(field.getName(), e.getValue());
                all.set(field.getName(), JSON.valueToTree(e.getValue()));
            } catch (IllegalArgumentException ex) {
                // the message names the record's field (trainContexts): name the key the user wrote instead
                problems.add(describe(e.getKey(), settings.get(e.getKey())) + ": "
                        + ex.getMessage().replace(field.getName(), e.getKey()));
            }
        }
        String device = (String) values.getOrDefault("device", "cpu");
        if (problems.size() > before) {
            return null;
        }
        if (steps == null && !values.containsKey("generation-workers") && mode != Mode.SUPERVISED
                && device.equals("cpu") && Runtime.getRuntime().availableProcessors() >= 2
                && World.launchedProcesses(System.getenv()) == 1) {
            all.put("generationWorkers", TIMED_GENERATION_WORKERS);
        }
        try {
            String out = (String) values.get("out");
            return new Resolved(LoopConfig.fromJson(all), device, (MatmulPrecision) values.get("precision"),
                    out == null ? null : Path.of(out), (Boolean) values.getOrDefault("tensorboard", false));
        } catch (IllegalArgumentException ex) {
            problems.add("the settings together: " + ex.getMessage());
            return null;
        }
    }

    /** Values longer than this are cut in messages. */
    private static final int SHOWN_CHARS = 60;

    /** {@code --lr -1} or {@code run.toml:3: lr = -1}; a string in quotes as written, a long value cut short. */
    private static String describe(String key, Setting s) {
        // a flag's value as typed; a config file's as written there, a string in its quotes
        String value = s.source().startsWith("--") && s.value().isValueNode() ? s.value().asString()
                : s.value().toString();
        if (value.length() > SHOWN_CHARS) {
            value = value.substring(0, SHOWN_CHARS) + "... (" + value.length() + " characters)";
        }
        return s.source().startsWith("--") ? s.source() + " " + value : s.source() + ": " + key + " = " + value;
    }

    /** The Java value of a setting, type-checked (no floats for integers, no strings for numbers, no coercion). */
    private static Object value(String key, JsonNode v) {
        switch (key) {
            case "task" -> {
                String name = text(v);
                Tasks.byName(name);
                return name;
            }
            case "mode" -> {
                return Mode.parse(text(v));
            }
            case "size" -> {
                int size = (int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                if (size < 2 || size > 64) {
                    throw new IllegalArgumentException("is outside 2..64");
                }
                return size;
            }
            case "steps" -> {
                long steps = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                if (steps < 1) {
                    throw new IllegalArgumentException("must be positive");
                }
                return steps;
            }
            case "minutes" -> {
                double minutes = number(v);
                if (!(minutes > 0)) {
                    throw new IllegalArgumentException("must be positive");
                }
                return minutes;
            }
            case "device" -> {
                String device = text(v);
                if (!device.equals("cpu") && !device.equals("reference") && !device.equals("cuda")) {
                    throw new IllegalArgumentException("is not available; valid: cpu, reference, cuda");
                }
                return device;
            }
            case "precision" -> {
                return MatmulPrecision.parse(text(v));
            }
            case "out" -> {
                return text(v);
            }
            case "recipe" -> {
                String recipe = text(v);
                if (!LoopConfig.RECIPES.contains(recipe)) {
                    throw new IllegalArgumentException("is not a recipe; valid: " + String.join(", ",
                            LoopConfig.RECIPES));
                }
                return recipe;
            }
            case "tensorboard" -> {
                return bool(v);
            }
            default -> {
                RecordComponent field = FIELDS.get(key);
                if (field == null) {
                    throw new IllegalArgumentException("unknown key");
                }
                Class<?> type = field.getType();
                if (type == int.class) {
                    return (int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                } else if (type == long.class) {
                    return integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                } else if (type == float.class) {
                    return (float) number(v);
                } else if (type == double.class) {
                    return number(v);
                } else if (type == boolean.class) {
                    return bool(v);
                }
                return text(v);
            }
        }
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("must be true or false");
        }
        return v.booleanValue();
    }

    private static String text(JsonNode v) {
        if (!v.isString()) {
            throw new IllegalArgumentException("must be a string (in quotes)");
        }
        return v.stringValue();
    }

    private static long integer(JsonNode v, long min, long max) {
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("must be an integer");
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new IllegalArgumentException("is out of range " + min + ".." + max);
        }
        return v.longValue();
    }

    private static double number(JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("must be a number");
        }
        return v.doubleValue();
    }

    /**
     * A config as a config file: every key but {@code device}, {@code precision}, {@code out} and {@code tensorboard}
     * (a run length left at 0, meaning "not set", is left out).
     */
    static String toToml(LoopConfig cfg) {
        JsonNode tree = JSON.valueToTree(cfg);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, RecordComponent> e : FIELDS.entrySet()) {
            JsonNode v = tree.get(e.getValue().getName());
            if ((e.getKey().equals("steps") || e.getKey().equals("minutes")) && v.doubleValue() == 0) {
                continue;
            }
            values.put(e.getKey(), e.getKey().equals("mode") ? cfg.mode().label() : v);
        }
        return ConfigFile.write(values);
    }
}
