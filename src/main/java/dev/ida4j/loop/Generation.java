package dev.ida4j.loop;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.Tree;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One generation batch of X's training data: fresh contexts at the curriculum's size, targets for all their
 * questions (amplified by the overseer, or the ground truth for the supervised baseline), and the teacher's own
 * answers beside them, whose agreement with the targets drives the curriculum.
 */
final class Generation {
    private final Task task;
    private final Amplifier amplifier;
    private final TrainingBatch packer;
    private final boolean sampledTeacher;
    private final boolean excludeModalAnswer;

    /**
     * {@code sampledTeacher}: the teacher samples its answers (subanswers and its direct answers), as the reference
     * does; else it answers greedily, but for a subquestion asked again in one transcript ({@link #decoding}).
     * {@code excludeModalAnswer}: the judged agreement leaves out the questions whose target is the commonest, else
     * it is the raw fraction (the reference's).
     */
    Generation(Task task, Amplifier amplifier, TrainingBatch packer, boolean sampledTeacher,
               boolean excludeModalAnswer) {
        this.task = task;
        this.amplifier = amplifier;
        this.packer = packer;
        this.sampledTeacher = sampledTeacher;
        this.excludeModalAnswer = excludeModalAnswer;
    }

    /**
     * What one batch produced: the teacher's raw agreement with its targets over all questions (logged), the
     * agreement on the questions the curriculum judges (what drives it: the newest level's, or all; without the
     * commonest target unless the run promotes on raw agreement; NaN when the batch had none),
     * and the accuracies of the teacher's answers and of the targets, logged and never used for training.
     */
    record Result(double agreement, double judgedAgreement, ClassAccuracy teacher, ClassAccuracy targets,
                  int questions, Traced traced) {
    }

    /** The trees of a batch's first contexts, kept when asked for ({@code train --trace-every}). */
    record Traced(List<Context> contexts, List<List<Tree>> trees) {
    }

    /**
     * Generates {@code contexts} contexts as {@code draw} says and adds one record per context to {@code buffer}.
     * {@code overseer} null means ground-truth targets.
     */
    Result run(RecordBuffer buffer, int contexts, Curriculum.Draw draw, int questionsPerContext, Overseer overseer,
               int depth, RandomGenerator dataRng, RandomGenerator answerRng) {
        return run(buffer, contexts, draw, questionsPerContext, overseer, depth, dataRng, answerRng, 0);
    }

    /**
     * {@link #run}, keeping the trees of the first {@code traced} contexts' targets (none in the supervised
     * baseline); the targets are the same either way.
     */
    Result run(RecordBuffer buffer, int contexts, Curriculum.Draw draw, int questionsPerContext, Overseer overseer,
               int depth, RandomGenerator dataRng, RandomGenerator answerRng, int traced) {
        return add(List.of(part(contexts, draw, questionsPerContext, overseer, depth, dataRng, answerRng, traced)),
                buffer);
    }

    /**
     * One part of a generation batch, not yet in a buffer: {@code contexts} fresh contexts with their targets and the
     * teacher's own answers, what a rank of a data-parallel job makes of its shard of the batch ({@link GenerationPart}).
     */
    GenerationPart part(int contexts, Curriculum.Draw draw, int questionsPerContext, Overseer overseer, int depth,
                        RandomGenerator dataRng, RandomGenerator answerRng, int traced) {
        Questions qs = Questions.sample(task, contexts, draw, questionsPerContext, dataRng);
        List<List<int[]>> direct = amplifier.answerDirectly(qs.contexts(), qs.questions(),
                sampledTeacher ? answerRng : null);
        List<List<int[]>> targets;
        Traced kept = null;
        if (overseer == null) {
            targets = qs.truth(task);
        } else if (traced > 0) {
            List<List<Tree>> trees = amplifier.amplifyTraced(qs.contexts(), qs.questions(), overseer, depth,
                    answerRng, decoding(sampledTeacher));
            targets = answers(trees.stream().map(ts -> ts.stream().map(Tree::transcript).toList()).toList());
            int k = Math.min(traced, contexts);
            kept = new Traced(List.copyOf(qs.contexts().subList(0, k)), List.copyOf(trees.subList(0, k)));
        } else {
            targets = answers(amplifier.amplify(qs.contexts(), qs.questions(), overseer, depth, answerRng,
                    decoding(sampledTeacher)));
        }
        GenerationPart part = new GenerationPart(kept);
        for (int c = 0; c < contexts; c++) {
            Context context = qs.contexts().get(c);
            List<int[]> facts = new ArrayList<>(context.factCount());
            for (int i = 0; i < context.factCount(); i++) {
                facts.add(context.fact(i));
            }
            List<int[]> questions = qs.questions().get(c);
            part.addContext(packer.record(facts, questions, targets.get(c)));
            for (int i = 0; i < questions.size(); i++) {
                int[] q = questions.get(i);
                boolean judged = draw.level() == 0 || draw.levelOf(task, context, q) == draw.level();
                part.addQuestion(direct.get(c).get(i), judged, task.questionClass(context, q),
                        task.isCorrect(context, q, direct.get(c).get(i)),
                        task.isCorrect(context, q, targets.get(c).get(i)));
            }
        }
        return part;
    }

    /** Adds the parts' records to {@code buffer}, in order, and returns what the batch they make up produced. */
    Result add(List<GenerationPart> parts, RecordBuffer buffer) {
        Agreement all = new Agreement();
        Agreement judged = new Agreement();
        ClassAccuracy teacher = new ClassAccuracy();
        ClassAccuracy targets = new ClassAccuracy();
        for (GenerationPart part : parts) {
            int q = 0;
            for (int[] record : part.records()) {
                buffer.add(record);
                for (int i = 0; i < packer.questionCount(record); i++, q++) {
                    int[] mine = part.direct(q);
                    int[] target = packer.target(record, i);
                    all.add(mine, target);
                    if (part.judged(q)) {
                        judged.add(mine, target);
                    }
                    teacher.add(part.questionClass(q), part.teacherRight(q));
                    targets.add(part.questionClass(q), part.targetRight(q));
                }
            }
        }
        double judgedAgreement = judged.total() == 0 ? Double.NaN
                : excludeModalAnswer ? judged.withoutModal() : judged.raw();
        return new Result(all.raw(), judgedAgreement, teacher, targets, (int) all.total(), parts.getFirst().traced());
    }

    /** How the teacher answers subquestions in generation and in H's transcripts for H′. */
    static Decoding decoding(boolean sampledTeacher) {
        return sampledTeacher ? Decoding.SAMPLED : Decoding.GREEDY_FRESH_REPEATS;
    }

    static List<List<int[]>> answers(List<List<Transcript>> transcripts) {
        List<List<int[]>> out = new ArrayList<>(transcripts.size());
        for (List<Transcript> ts : transcripts) {
            List<int[]> list = new ArrayList<>(ts.size());
            for (Transcript t : ts) {
                list.add(t.answer());
            }
            out.add(list);
        }
        return out;
    }
}
