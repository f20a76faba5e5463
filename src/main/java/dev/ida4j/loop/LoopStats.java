package dev.ida4j.loop;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sums since the last log record: what a metrics line averages. Saved in a checkpoint, so that a resumed run's next
 * record averages the same steps as an uninterrupted run's.
 */
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
    double judgedAgreementSum;
    long generationBatches;
    ClassAccuracy teacherByClass = new ClassAccuracy();   // at the curriculum's draw
    ClassAccuracy targetsByClass = new ClassAccuracy();

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
        judgedAgreementSum += r.judgedAgreement();
        generationBatches++;
        teacherByClass.addAll(r.teacher());
        targetsByClass.addAll(r.targets());
    }

    void save(ObjectNode into) {
        into.put("loss_sum", lossSum).put("norm_sum", normSum).put("train_accuracy_sum", trainAccuracySum)
                .put("steps", steps).put("questions", questions).put("train_nanos", trainNanos)
                .put("generation_nanos", generationNanos).put("generated_questions", generatedQuestions)
                .put("teacher_accuracy_sum", teacherAccuracySum).put("target_accuracy_sum", targetAccuracySum)
                .put("agreement_sum", agreementSum).put("judged_agreement_sum", judgedAgreementSum)
                .put("generation_batches", generationBatches);
        save(into.putObject("teacher_by_class"), teacherByClass);
        save(into.putObject("targets_by_class"), targetsByClass);
    }

    private static void save(ObjectNode into, ClassAccuracy acc) {
        acc.counts().forEach((k, c) -> into.putArray(k).add(c[0]).add(c[1]));
    }

    /** Absent from checkpoints saved before it was logged: then empty, and that record averages fewer batches. */
    private static ClassAccuracy restored(JsonNode from) {
        ClassAccuracy acc = new ClassAccuracy();
        if (from != null) {
            from.properties().forEach(e -> acc.add(e.getKey(), e.getValue().get(0).asLong(),
                    e.getValue().get(1).asLong()));
        }
        return acc;
    }

    void restore(JsonNode from) {
        lossSum = from.get("loss_sum").asDouble();
        normSum = from.get("norm_sum").asDouble();
        trainAccuracySum = from.get("train_accuracy_sum").asDouble();
        steps = from.get("steps").asLong();
        questions = from.get("questions").asLong();
        trainNanos = from.get("train_nanos").asLong();
        generationNanos = from.get("generation_nanos").asLong();
        generatedQuestions = from.get("generated_questions").asLong();
        teacherAccuracySum = from.get("teacher_accuracy_sum").asDouble();
        targetAccuracySum = from.get("target_accuracy_sum").asDouble();
        agreementSum = from.get("agreement_sum").asDouble();
        // absent from checkpoints saved before it was logged
        judgedAgreementSum = from.has("judged_agreement_sum") ? from.get("judged_agreement_sum").asDouble() : 0;
        generationBatches = from.get("generation_batches").asLong();
        teacherByClass = restored(from.get("teacher_by_class"));
        targetsByClass = restored(from.get("targets_by_class"));
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
        judgedAgreementSum = 0;
        generationBatches = 0;
        teacherByClass = new ClassAccuracy();
        targetsByClass = new ClassAccuracy();
    }
}
