package dev.cnptoken.app;

import dev.cnptoken.app.config.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations given as flags, in the configuration's syntax ({@link DurationText#parse}). */
final class Durations {
    private Durations() {}

    static Duration parse(CommandLine cli, String option, String text) {
        try {
            Duration d = DurationText.parse(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(cli, option + ": '" + text + "' is not a duration such as 30s, 5m or 8h");
        }
    }
}
