package dev.ida4j.golden;

import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden samples of the five tasks: under a fixed seed, at sizes 4, 8 and 16, the facts of 20 contexts and 10
 * questions of each with their truth and class, so that moving the tasks' code around cannot change what they draw.
 * Machine-independent.
 */
class TaskGoldenTest {

    @Test
    void shouldDrawTodaysContextsAndQuestions() {
        Golden golden = new Golden("tasks");
        for (String name : Tasks.names()) {
            Task task = Tasks.byName(name);
            for (int size : new int[] {4, 8, 16}) {
                Rng rng = new Rng(7);
                List<Integer> tokens = new ArrayList<>();
                StringBuilder classes = new StringBuilder();
                for (int c = 0; c < 20; c++) {
                    Context context = task.sampleContext(size, rng);
                    for (int f = 0; f < context.factCount(); f++) {
                        for (int t : context.fact(f)) {
                            tokens.add(t);
                        }
                    }
                    for (int q = 0; q < 10; q++) {
                        int[] question = task.sampleQuestion(context, rng);
                        for (int[] part : new int[][] {question, task.truth(context, question)}) {
                            for (int t : part) {
                                tokens.add(t);
                            }
                        }
                        classes.append(task.questionClass(context, question)).append(' ');
                    }
                }
                golden.put(name + "." + size + ".tokens", tokens.stream().mapToInt(Integer::intValue).toArray())
                        .put(name + "." + size + ".classes", classes.toString());
            }
        }
        golden.check();
    }
}
