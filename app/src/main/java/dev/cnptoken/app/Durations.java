package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations given as flags, in the configuration's syntax ({@link AppConfig#parseDuration}). */
final class Durations {
    private Durations() {}

    static Duration parse(CommandLine cli, String option, String text) {
        try {
            Duration d = AppConfig.parseDuration(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(cli, option + ": '" + text + "' is not a duration such as 30s, 5m or 8h");
        }
    }
}
