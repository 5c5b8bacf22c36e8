package dev.cnptoken.simulator.archfixture;

/** Fixture: simulator code that uses a store adapter. Breaks the simulator rule on purpose. */
public class SimulatorUsingAnAdapter {
    public Object store(java.nio.file.Path dir) {
        return dev.cnptoken.adapters.store.file.FileTokenStore.builder().directory(dir).build();
    }
}
