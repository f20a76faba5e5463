package dev.ida4j.amplify;

import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.util.List;

/**
 * The facts of a batch of contexts as one flat token array (contexts, facts, W), padded with blank (all-zero) facts
 * to the largest context's fact count.
 */
public record FactTokens(int contexts, int facts, int[] tokens) {

    public static FactTokens of(Task task, List<? extends Context> contexts) {
        int w = task.factLength();
        int f = 1;
        for (Context c : contexts) {
            f = Math.max(f, c.factCount());
        }
        int[] tokens = new int[contexts.size() * f * w];
        for (int c = 0; c < contexts.size(); c++) {
            Context context = contexts.get(c);
            for (int i = 0; i < context.factCount(); i++) {
                System.arraycopy(context.fact(i), 0, tokens, (c * f + i) * w, w);
            }
        }
        return new FactTokens(contexts.size(), f, tokens);
    }
}
