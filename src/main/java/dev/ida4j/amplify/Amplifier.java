package dev.ida4j.amplify;

import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Batched tree evaluation: answers every question of a batch of contexts with Amplify^overseer(model).
 *
 * <p>All trees advance in lock-step. Each round the overseer takes one decision for every unfinished transcript;
 * the subquestions it asks are answered by the environment when primitive, and all others together by one batched
 * model call grouped by context, against the contexts' fact encoding computed once per batch. At depth d > 1 those
 * subquestions are themselves amplified at depth d - 1, level by level. Order is deterministic: contexts, then
 * questions, in the order given; the same inputs and seed give the same transcripts.
 *
 * <p>Not the amplifier's business: which questions to ask (the loop), how the overseer decides (an {@link Overseer}),
 * how the model answers (a {@link DirectModel}).
 */
public final class Amplifier {
    private final Task task;
    private final DirectModel model;
    private final Counters counters;
    private final double subanswerErrorRate;
    private final double abstainBelow;

    /** An amplifier whose model never abstains ({@link #Amplifier(Task, DirectModel, Counters, double, double)}). */
    public Amplifier(Task task, DirectModel model, Counters counters, double subanswerErrorRate) {
        this(task, model, counters, subanswerErrorRate, 0);
    }

    /**
     * {@code subanswerErrorRate}: the probability that a subanswer the overseer receives is replaced by a random
     * well-formed answer or, half of those times, by {@code ?} (error injection; 0 for none).
     * {@code abstainBelow}: a subanswer of the model whose probability under the model is below this becomes
     * {@code ?} (0: never), so that the overseer builds on what the model knows and answers {@code ?} where it does
     * not, instead of on its guesses; a fresh sample for a repeated subquestion is a proposal and never abstains.
     */
    public Amplifier(Task task, DirectModel model, Counters counters, double subanswerErrorRate,
                     double abstainBelow) {
        if (!(subanswerErrorRate >= 0 && subanswerErrorRate <= 1)) {
            throw new IllegalArgumentException("subanswer error rate must be in [0, 1], got " + subanswerErrorRate);
        }
        if (!(abstainBelow >= 0 && abstainBelow <= 1)) {
            throw new IllegalArgumentException("abstention threshold must be in [0, 1], got " + abstainBelow);
        }
        this.task = task;
        this.model = model;
        this.counters = counters;
        this.subanswerErrorRate = subanswerErrorRate;
        this.abstainBelow = abstainBelow;
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Amplify^overseer(model) at {@code depth} (≥ 1) for {@code questions.get(c)}, the questions about
     * {@code contexts.get(c)}. Returns one finished transcript per question, in the same nesting. {@code rng} draws
     * the environment's random answers and injected errors, and the model's sampled answers ({@code decoding}).
     */
    public List<List<Transcript>> amplify(List<? extends Context> contexts, List<List<int[]>> questions,
                                          Overseer overseer, int depth, RandomGenerator rng, Decoding decoding) {
        requireDepth(depth);
        List<List<Transcript>> result = new ArrayList<>(contexts.size());
        forEachChunk(contexts, questions, (chunk, ctx, qs) -> {
            Transcript[] ts = solve(chunk, ctx, qs, overseer, depth, rng, decoding, null);
            split(ts, ctx, chunk.size(), result);
        });
        return result;
    }

    /**
     * {@link #amplify}, keeping each question's whole tree: what answered every subquestion at every depth. The same
     * inputs and seed give the same transcripts as {@link #amplify} (recording draws nothing).
     */
    public List<List<Tree>> amplifyTraced(List<? extends Context> contexts, List<List<int[]>> questions,
                                          Overseer overseer, int depth, RandomGenerator rng, Decoding decoding) {
        requireDepth(depth);
        List<List<Tree>> result = new ArrayList<>(contexts.size());
        forEachChunk(contexts, questions, (chunk, ctx, qs) -> {
            Tree[] trees = new Tree[qs.length];
            solve(chunk, ctx, qs, overseer, depth, rng, decoding, trees);
            split(trees, ctx, chunk.size(), result);
        });
        return result;
    }

    private static void requireDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("amplification depth must be at least 1, got " + depth);
        }
    }

    /** The model's own answers (no overseer), in the same nesting as {@code questions}; greedy when rng is null. */
    public List<List<int[]>> answerDirectly(List<? extends Context> contexts, List<List<int[]>> questions,
                                            RandomGenerator rng) {
        List<List<int[]>> result = new ArrayList<>(contexts.size());
        forEachChunk(contexts, questions, (chunk, ctx, qs) -> {
            int[][] answers = modelAnswers(chunk.size(), ctx, qs, rng, 0);
            split(answers, ctx, chunk.size(), result);
        });
        return result;
    }

    private interface ChunkWork {
        void run(List<? extends Context> chunk, int[] contextOf, int[][] questions);
    }

    /** Encodes the contexts model-capacity at a time and hands each chunk's questions, flattened, to {@code work}. */
    private void forEachChunk(List<? extends Context> contexts, List<List<int[]>> questions, ChunkWork work) {
        if (contexts.size() != questions.size()) {
            throw new IllegalArgumentException(contexts.size() + " contexts but questions for " + questions.size());
        }
        for (int from = 0; from < contexts.size(); from += model.maxContexts()) {
            int to = Math.min(contexts.size(), from + model.maxContexts());
            List<? extends Context> chunk = contexts.subList(from, to);
            int n = 0;
            for (int c = from; c < to; c++) {
                n += questions.get(c).size();
            }
            int[] contextOf = new int[n];
            int[][] qs = new int[n][];
            int i = 0;
            for (int c = from; c < to; c++) {
                for (int[] q : questions.get(c)) {
                    contextOf[i] = c - from;
                    qs[i++] = q;
                }
            }
            FactTokens facts = FactTokens.of(task, chunk);
            model.encode(chunk.size(), facts.facts(), facts.tokens());
            counters.encodedContexts += chunk.size();
            work.run(chunk, contextOf, qs);
        }
    }

    /**
     * Runs the overseer's trees for {@code questions} to completion; subquestions go one level down. With
     * {@code trees} (else null), records each question's tree into it.
     */
    private Transcript[] solve(List<? extends Context> chunk, int[] contextOf, int[][] questions, Overseer overseer,
                               int depth, RandomGenerator rng, Decoding decoding, Tree[] trees) {
        int n = questions.length;
        Transcript[] ts = new Transcript[n];
        for (int i = 0; i < n; i++) {
            ts[i] = new Transcript(questions[i], overseer.slots());
            if (trees != null) {
                trees[i] = new Tree(ts[i]);
            }
        }
        List<Transcript> open = new ArrayList<>(n);
        int[] openIndex = new int[n];
        Action[] actions = new Action[n];
        int[] pendingOf = new int[n];
        while (true) {
            open.clear();
            for (int i = 0; i < n; i++) {
                if (!ts[i].isDone()) {
                    openIndex[open.size()] = i;
                    open.add(ts[i]);
                }
            }
            if (open.isEmpty()) {
                return ts;
            }
            counters.rounds++;
            overseer.next(open, actions);
            counters.overseerDecisions += open.size();
            int pending = 0;
            int[][] subquestions = new int[open.size()][];
            for (int j = 0; j < open.size(); j++) {
                Transcript t = open.get(j);
                switch (actions[j]) {
                    case Action.Answer a -> t.finish(a.answer());
                    case Action.Ask ask -> {
                        int[] sq = ask.subquestion();
                        Context context = chunk.get(contextOf[openIndex[j]]);
                        t.ask(sq);
                        Tree tree = trees == null ? null : trees[openIndex[j]];
                        if (Vocabulary.isBlank(sq)) {
                            t.reply(new int[task.answerLength()]);
                            if (tree != null) {
                                tree.replied(Tree.Source.BLANK, null, false);
                            }
                        } else if (task.isPrimitive(sq)) {
                            counters.primitiveAnswers++;
                            int[] truth = task.answerPrimitive(context, sq, rng);
                            int[] reply = corrupt(sq, truth, rng);
                            t.reply(reply);
                            if (tree != null) {
                                tree.replied(Tree.Source.ENVIRONMENT, null, reply != truth);
                            }
                        } else {
                            subquestions[pending] = sq;
                            pendingOf[pending++] = j;
                        }
                    }
                }
            }
            if (pending == 0) {
                continue;
            }
            int[] subContext = new int[pending];
            int[][] subQs = Arrays.copyOf(subquestions, pending);
            for (int p = 0; p < pending; p++) {
                subContext[p] = contextOf[openIndex[pendingOf[p]]];
            }
            int[][] subAnswers;
            Tree[] subTrees = trees != null && depth > 1 ? new Tree[pending] : null;
            if (depth > 1) {
                subAnswers = finalAnswers(solve(chunk, subContext, subQs, overseer, depth - 1, rng, decoding,
                        subTrees));
            } else if (decoding == Decoding.GREEDY_FRESH_REPEATS) {
                boolean[] repeat = new boolean[pending];
                for (int p = 0; p < pending; p++) {
                    repeat[p] = open.get(pendingOf[p]).askedBefore(subQs[p]);
                }
                subAnswers = greedyAnswers(chunk.size(), subContext, subQs, repeat, rng);
            } else {
                subAnswers = modelAnswers(chunk.size(), subContext, subQs, decoding == Decoding.SAMPLED ? rng : null,
                        abstainBelow);
            }
            for (int p = 0; p < pending; p++) {
                int[] reply = corrupt(subQs[p], subAnswers[p], rng);
                open.get(pendingOf[p]).reply(reply);
                if (trees != null) {
                    trees[openIndex[pendingOf[p]]].replied(depth > 1 ? Tree.Source.AMPLIFIED : Tree.Source.MODEL,
                            subTrees == null ? null : subTrees[p], reply != subAnswers[p]);
                }
            }
        }
    }

    /**
     * {@link Decoding#GREEDY_FRESH_REPEATS}: the model's most likely answers, and a sample for each question marked
     * {@code repeat} (by a second model call, only when there is one).
     */
    private int[][] greedyAnswers(int contexts, int[] contextOf, int[][] questions, boolean[] repeat,
                                  RandomGenerator rng) {
        int repeats = 0;
        for (boolean r : repeat) {
            repeats += r ? 1 : 0;
        }
        if (repeats == 0) {
            return modelAnswers(contexts, contextOf, questions, null, abstainBelow);
        }
        int[][] answers = new int[questions.length][];
        for (boolean sampled : new boolean[] {false, true}) {
            int n = sampled ? repeats : questions.length - repeats;
            int[] ctx = new int[n];
            int[][] qs = new int[n][];
            int[] at = new int[n];
            int k = 0;
            for (int i = 0; i < questions.length; i++) {
                if (repeat[i] == sampled) {
                    ctx[k] = contextOf[i];
                    qs[k] = questions[i];
                    at[k++] = i;
                }
            }
            int[][] part = modelAnswers(contexts, ctx, qs, sampled ? rng : null, sampled ? 0 : abstainBelow);
            for (int j = 0; j < n; j++) {
                answers[at[j]] = part[j];
            }
        }
        return answers;
    }

    /**
     * One batched model call for {@code questions}, grouped by context and padded with blank questions; an answer whose
     * probability is below {@code abstainBelow} becomes {@code ?}.
     */
    private int[][] modelAnswers(int contexts, int[] contextOf, int[][] questions, RandomGenerator rng,
                                 double abstainBelow) {
        int lq = task.questionLength();
        int la = task.answerLength();
        int[] count = new int[contexts];
        int[] slot = new int[questions.length];
        int perContext = 0;
        for (int i = 0; i < questions.length; i++) {
            slot[i] = count[contextOf[i]]++;
            perContext = Math.max(perContext, count[contextOf[i]]);
        }
        int[][] answers = new int[questions.length][];
        if (perContext == 0) {
            return answers;
        }
        int[] tokens = new int[contexts * perContext * lq];     // (contexts, perContext, Lq), blank padding
        for (int i = 0; i < questions.length; i++) {
            System.arraycopy(questions[i], 0, tokens, (contextOf[i] * perContext + slot[i]) * lq, lq);
        }
        int[] out = new int[contexts * perContext * la];        // (contexts, perContext, La)
        float[] logProb = abstainBelow > 0 ? new float[contexts * perContext] : null;   // (contexts, perContext)
        model.answer(perContext, tokens, rng, out, logProb);
        counters.modelCalls++;
        counters.modelQuestions += questions.length;
        double logThreshold = Math.log(abstainBelow);
        for (int i = 0; i < questions.length; i++) {
            int q = contextOf[i] * perContext + slot[i];
            if (logProb != null && logProb[q] < logThreshold) {
                answers[i] = new int[la];
                counters.abstentions++;
            } else {
                answers[i] = Arrays.copyOfRange(out, q * la, (q + 1) * la);
            }
        }
        return answers;
    }

    private int[] corrupt(int[] question, int[] answer, RandomGenerator rng) {
        if (subanswerErrorRate == 0 || rng.nextDouble() >= subanswerErrorRate) {
            return answer;
        }
        return rng.nextBoolean() ? task.randomAnswer(question, rng) : new int[task.answerLength()];
    }

    private static int[][] finalAnswers(Transcript[] ts) {
        int[][] answers = new int[ts.length][];
        for (int i = 0; i < ts.length; i++) {
            answers[i] = ts[i].answer();
        }
        return answers;
    }

    /** Regroups flat per-question results by context (contextOf is non-decreasing). */
    private static <T> void split(T[] flat, int[] contextOf, int contexts, List<List<T>> into) {
        List<List<T>> lists = new ArrayList<>(contexts);
        for (int c = 0; c < contexts; c++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < flat.length; i++) {
            lists.get(contextOf[i]).add(flat[i]);
        }
        into.addAll(lists);
    }
}
