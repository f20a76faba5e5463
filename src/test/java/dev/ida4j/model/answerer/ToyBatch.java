package dev.ida4j.model.answerer;

import java.util.SplittableRandom;

/**
 * A batch of random token data for the answerer's tests: b contexts × f facts × q questions, with the last fact of
 * every context blank (all zeros) and the given question mask.
 */
record ToyBatch(int b, int f, int q, int[] facts, int[] questions, int[] answers, float[] mask) {

    static ToyBatch random(AnswererConfig cfg, int b, int f, int q, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] facts = new int[b * f * cfg.factLength()];
        for (int c = 0; c < b; c++) {
            for (int i = 0; i < f - 1; i++) { // fact f-1 stays blank
                for (int w = 0; w < cfg.factLength(); w++) {
                    facts[(c * f + i) * cfg.factLength() + w] = 1 + r.nextInt(cfg.vocab() - 1);
                }
            }
        }
        int[] questions = new int[b * q * cfg.questionLength()];
        for (int i = 0; i < questions.length; i++) {
            questions[i] = r.nextInt(cfg.vocab());
        }
        int[] answers = new int[b * q * cfg.answerLength()];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = r.nextInt(cfg.vocab());
        }
        float[] mask = new float[b * q];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 3 == 2 ? 0f : 1f;
        }
        return new ToyBatch(b, f, q, facts, questions, answers, mask);
    }

    void load(Answerer model) {
        model.setBatch(b, f, q, facts, questions, answers, mask);
    }
}
