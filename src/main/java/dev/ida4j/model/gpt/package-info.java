/** A pre-LayerNorm GPT decoder (the tiny-gpt benchmark workload and the PyTorch-twin fixture model). */
package dev.ida4j.model.gpt;
