package org.sightline.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class H2StoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    String url() {
        return "jdbc:h2:file:" + dir.resolve("sightline");
    }

    @Override
    void cleanup() {
    }
}
