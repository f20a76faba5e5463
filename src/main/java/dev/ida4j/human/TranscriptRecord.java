package dev.ida4j.human;

import dev.ida4j.human.journal.Journal;
import dev.ida4j.io.Utf8;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Task;
import dev.ida4j.task.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * One finished oversight transcript as the journal stores it and its JSON Lines export shows it: one JSON object,
 * everything in the task's text form ({@code TASKS.md}); a model's malformed answer shows as its raw tokens
 * in brackets ({@code [a ? 1]}), which {@link #toTranscript} reads back token by token.
 * <pre>
 * {"id":"…","task":"permutation-powering","size":8,"mode":"assisted","answers_by":"model X …",
 *  "facts":["ab -> cd",…],"question":"ab ^ 5",
 *  "steps":[{"subquestion":"ab ^ 2","subanswer":"ef","by":"model","proposed":"ab ^ 2","verdict":"accepted",
 *            "rejected":[]},…],
 *  "answer":"gh","answer_proposed":"gh","answer_verdict":"accepted","answer_rejected":[],
 *  "truth":"gh","correct":true,"started":"2026-…Z","finished":"2026-…Z"}
 * </pre>
 * {@code by}: environment (primitive), model, truth (no run) or blank; {@code verdict}: typed (human mode),
 * accepted or edited (assisted), approved (approval); {@code proposed} is null in human mode.
 */
public record TranscriptRecord(String id, String task, int size, String mode, String answersBy, List<String> facts,
                               String question, List<Step> steps, String answer, String answerProposed,
                               String answerVerdict, List<String> answerRejected, String truth, boolean correct,
                               String started, String finished) {

    /** One subquestion, its subanswer and who gave it, and how the person came to ask it. */
    public record Step(String subquestion, String subanswer, String by, String proposed, String verdict,
                       List<String> rejected) {
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One line of JSON. */
    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /**
     * Reads what {@link #toJson} wrote, strictly (no unknown, missing or duplicate keys).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static TranscriptRecord fromJson(String json) {
        try {
            return JSON.readValue(json, TranscriptRecord.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a transcript record: " + e.getOriginalMessage());
        }
    }

    /**
     * The records of a journal, or of its JSON Lines export (one record per line, blank lines skipped).
     *
     * @throws IllegalArgumentException naming the file and line (or record) that is not a transcript record
     */
    public static List<TranscriptRecord> readAll(Path file) throws IOException {
        List<String> lines = Journal.isJournal(file)
                ? Journal.read(file).stream().map(Journal.Entry::payload).toList()
                : Utf8.read(file).lines().toList();
        List<TranscriptRecord> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                out.add(fromJson(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The transcript in {@code task}'s tokens, for H′'s replay buffer.
     *
     * @throws IllegalArgumentException if the record is of another task, asks more than the task's slots, or holds
     *     text that is not the task's
     */
    public Transcript toTranscript(Task t) {
        if (!task.equals(t.name())) {
            throw new IllegalArgumentException("transcript " + id + " is of task " + task + ", not " + t.name());
        }
        if (steps.size() > t.slots()) {
            throw new IllegalArgumentException("transcript " + id + " asks " + steps.size() + " subquestions, more"
                    + " than the " + t.slots() + " slots of " + t.name());
        }
        Transcript tr = new Transcript(tokens(t, question, t.questionLength(), t::parseQuestion), t.slots());
        for (Step s : steps) {
            tr.ask(tokens(t, s.subquestion(), t.questionLength(), t::parseQuestion));
            tr.reply(tokens(t, s.subanswer(), t.answerLength(), t::parseAnswer));
        }
        tr.finish(tokens(t, answer, t.answerLength(), t::parseAnswer));
        return tr;
    }

    /** The tokens of {@code text}: the task's text form, or raw tokens in brackets as {@link Vocabulary#render}. */
    private static int[] tokens(Task t, String text, int length, Function<String, int[]> parse) {
        if (text == null) {
            throw new IllegalArgumentException("a transcript record lacks a question or an answer");
        }
        if (!(text.startsWith("[") && text.endsWith("]"))) {
            return parse.apply(text);
        }
        String[] parts = text.substring(1, text.length() - 1).split(" ");
        if (parts.length != length) {
            throw new IllegalArgumentException("'" + text + "' has " + parts.length + " tokens, not " + length);
        }
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = t.vocabulary().id(parts[i]);
        }
        return ids;
    }
}
