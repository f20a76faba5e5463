package dev.ida4j.loop;

import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Fresh contexts at one size with their questions, drawn from the task's samplers. */
public record Questions(List<Context> contexts, List<List<int[]>> questions) {

    /** Tries per question to draw one of the allowed levels before giving up. */
    private static final int LEVEL_TRIES = 10_000;

    /** {@code perContext} questions per context, or one per fact when it is 0 (the reference's choice). */
    public static Questions sample(Task task, int contexts, int size, int perContext, RandomGenerator rng) {
        return sample(task, contexts, Curriculum.Draw.all(size), perContext, rng);
    }

    /**
     * As {@link #sample(Task, int, int, int, RandomGenerator)} at the draw's size, with questions of its levels only
     * (drawn from the task's distribution and kept when allowed).
     *
     * @throws IllegalStateException if the task's sampler gives no question of an allowed level in many tries
     */
    public static Questions sample(Task task, int contexts, Curriculum.Draw draw, int perContext,
                                   RandomGenerator rng) {
        List<Context> cs = new ArrayList<>(contexts);
        List<List<int[]>> qs = new ArrayList<>(contexts);
        for (int c = 0; c < contexts; c++) {
            Context context = task.sampleContext(draw.size(), rng);
            int n = perContext > 0 ? perContext : context.factCount();
            List<int[]> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(question(task, context, draw, rng));
            }
            cs.add(context);
            qs.add(list);
        }
        return new Questions(cs, qs);
    }

    private static int[] question(Task task, Context context, Curriculum.Draw draw, RandomGenerator rng) {
        for (int tries = 0; tries < LEVEL_TRIES; tries++) {
            int[] q = task.sampleQuestion(context, rng);
            if (draw.level() == 0 || draw.levelOf(task, context, q) <= draw.level()) {
                return q;
            }
        }
        throw new IllegalStateException("task " + task.name() + " gave no question of level 1.." + draw.level()
                + " in " + LEVEL_TRIES + " tries");
    }

    /** Ground-truth answers, in the same nesting. */
    public List<List<int[]>> truth(Task task) {
        List<List<int[]>> out = new ArrayList<>(contexts.size());
        for (int c = 0; c < contexts.size(); c++) {
            List<int[]> list = new ArrayList<>();
            for (int[] q : questions.get(c)) {
                list.add(task.truth(contexts.get(c), q));
            }
            out.add(list);
        }
        return out;
    }

    /** Grades {@code answers} (same nesting) against the ground truth, per class. */
    public ClassAccuracy grade(Task task, List<List<int[]>> answers) {
        ClassAccuracy acc = new ClassAccuracy();
        for (int c = 0; c < contexts.size(); c++) {
            Context context = contexts.get(c);
            for (int i = 0; i < questions.get(c).size(); i++) {
                int[] q = questions.get(c).get(i);
                acc.add(task.questionClass(context, q), task.isCorrect(context, q, answers.get(c).get(i)));
            }
        }
        return acc;
    }
}
