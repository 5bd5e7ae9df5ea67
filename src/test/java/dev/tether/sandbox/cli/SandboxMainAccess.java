package dev.tether.sandbox.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Lets tests in other packages run the sandbox CLI in process. */
public final class SandboxMainAccess {
    private SandboxMainAccess() {
    }

    public static int run(String... args) {
        return SandboxMain.run(args, new PrintStream(new ByteArrayOutputStream()));
    }
}
