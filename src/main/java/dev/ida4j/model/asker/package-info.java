/** The learned overseer H′ ("the asker"): a causal transformer over transcripts that imitates H's subquestions and answers. */
package dev.ida4j.model.asker;
