/** The boundary between models and hardware: the Backend interface, its single argument-checking layer, and the pointwise nonlinearities. */
package dev.ida4j.backend;
