/** Overseers: H as straight-line scripts replayed over transcripts, batched one decision at a time, with error injection. */
package dev.ida4j.overseer;
