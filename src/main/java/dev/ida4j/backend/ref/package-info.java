/** The reference backend: every op as a plain readable loop, the oracle the fast backends are tested against. */
package dev.ida4j.backend.ref;
