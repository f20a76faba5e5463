package dev.ida4j.loop;

/** Sums since the last log record: what a metrics line averages. */
final class LoopStats {
    double lossSum;
    double normSum;
    double trainAccuracySum;
    long steps;
    long questions;
    long trainNanos;
    long generationNanos;
    long generatedQuestions;
    double teacherAccuracySum;
    double targetAccuracySum;
    double agreementSum;
    long generationBatches;
    boolean promoted;

    void trained(float loss, double norm, float trainAccuracy, int batchQuestions, long nanos) {
        lossSum += loss;
        normSum += norm;
        trainAccuracySum += trainAccuracy;
        steps++;
        questions += batchQuestions;
        trainNanos += nanos;
    }

    void generated(Generation.Result r, long nanos) {
        generationNanos += nanos;
        generatedQuestions += r.questions();
        teacherAccuracySum += r.teacher().accuracy();
        targetAccuracySum += r.targets().accuracy();
        agreementSum += r.agreement();
        generationBatches++;
    }

    void reset() {
        lossSum = 0;
        normSum = 0;
        trainAccuracySum = 0;
        steps = 0;
        questions = 0;
        trainNanos = 0;
        generationNanos = 0;
        generatedQuestions = 0;
        teacherAccuracySum = 0;
        targetAccuracySum = 0;
        agreementSum = 0;
        generationBatches = 0;
        promoted = false;
    }
}
