package dev.ida4j.cli;

/** Entry point of the ida4j command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("ida4j");
    }
}
