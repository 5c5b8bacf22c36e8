package dev.cnptoken.simulator.archfixture;

/** Fixture: simulator code that changes a JVM-wide setting. Breaks the no-side-effect rule on purpose. */
public class SimulatorSettingAProperty {
    public void tune() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
}
