package dev.cnptoken.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version line, {@code cnp-token 0.1.0 (commit 7b0da85)}: the version and commit that the build
 * wrote into {@code build-commit.properties} beside this class, the commit "unknown" when the build
 * did not run in a git checkout.
 */
final class Version implements IVersionProvider {
    /** Written by the build (see app/pom.xml): {@code version=...} and, from a git checkout, {@code commit=...}. */
    private static final String RESOURCE = "build-commit.properties";

    static String current() {
        String fromBuild = buildInfo().getProperty("version");
        if (fromBuild != null && !fromBuild.isBlank()) {
            return fromBuild;
        }
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        return fromManifest == null ? "development" : fromManifest;
    }

    static String commit() {
        String abbrev = buildInfo().getProperty("commit");
        return abbrev == null || abbrev.isBlank() ? "unknown" : abbrev;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"cnp-token " + current() + " (commit " + commit() + ")"};
    }

    private static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
        }
        return p;
    }
}
