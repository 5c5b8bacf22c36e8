package dev.cnptoken.adapters.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a second JVM on the test class path running one of the test mains. */
final class ChildJvm {
    private ChildJvm() {}

    static ProcessBuilder command(Class<?> main, List<String> prefix, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs to completion; returns stdout, failing with stderr when the exit code is not 0. */
    static String run(ProcessBuilder builder, Path temp) throws IOException, InterruptedException {
        Path out = Files.createTempFile(temp, "child", ".out");
        Path err = Files.createTempFile(temp, "child", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = process.waitFor();
        if (code != 0) {
            throw new AssertionError("child JVM exited with " + code + ":\n" + Files.readString(err));
        }
        return Files.readString(out);
    }
}
