/**
 * Model X, the answerer: a fact-set encoder, a question encoder that attends to the facts, and a copy/generate
 * decoder per answer position, with hand-written backprop.
 */
package dev.ida4j.model.answerer;
