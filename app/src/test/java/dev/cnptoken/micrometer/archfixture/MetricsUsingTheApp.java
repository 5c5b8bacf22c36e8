package dev.cnptoken.micrometer.archfixture;

/** Fixture: metrics-module code that reaches into the app. Breaks the metrics rule on purpose. */
public class MetricsUsingTheApp {
    public Object exitCode() {
        return dev.cnptoken.app.job.ExitCode.OK;
    }
}
