package org.sightline.federation;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sightline.boot.App;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Publishing a bank while an add to it is still in its transaction: the add ends up in the list, once. */
class PublishRaceTest {
    static final String FIRST = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String RACING = "0707f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    String pgUrl;
    final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    private Config config(String database) {
        Config config = Config.defaults().with("data.dir", data);
        if (database.equals("postgresql")) {
            pgUrl = TestDatabases.createPostgresSchema();
            config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", data.toString(), "SIGHTLINE_DB_URL", pgUrl,
                    "SIGHTLINE_DB_USER", TestDatabases.PG_USER));
        }
        return config;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void an_entry_added_while_its_bank_is_published_is_in_the_list(String database) throws Exception {
        new KeyFiles(data).generate(new SecureRandom());
        try (App.Deps deps = App.Deps.open(config(database))) {
            BankService banks = deps.banks();
            banks.create(new BankService.BankSpec("outgoing", "local", "review", "enforce", List.of(), null, null, null));
            banks.addEntries("outgoing", List.of(new BankService.NewEntry("pdq", FIRST, null, null, null, null)), "t");

            // the second add stops inside its transaction until the publish has started
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            banks.addHook(new BankService.EntryHook() {
                @Override
                public void added(Handle h, Bank bank, List<BankEntry> entries) {
                    if (!entries.get(0).signalValue().equals(RACING)) return;
                    inside.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void retracted(Handle h, Bank bank, List<BankEntry> entries, Instant at) {
                }
            });
            Future<?> add = threads.submit(() -> banks.addEntries("outgoing",
                    List.of(new BankService.NewEntry("pdq", RACING, null, null, null, null)), "t"));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> publish = threads.submit(() -> deps.lists().publish("shared", "outgoing", "public", null));
            Thread.sleep(300);
            assertThat(publish.isDone()).as("the publish waits for the add to commit").isFalse();
            release.countDown();
            add.get(10, TimeUnit.SECONDS);
            publish.get(10, TimeUnit.SECONDS);

            List<String> listed = deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT c.signal_value FROM list_changes c JOIN published_lists l ON l.id = c.list_id"
                            + " WHERE l.name = 'shared' AND c.op = 'add' ORDER BY c.seq").mapTo(String.class).list());
            assertThat(listed).containsExactly(FIRST, RACING);
        }
    }
}
