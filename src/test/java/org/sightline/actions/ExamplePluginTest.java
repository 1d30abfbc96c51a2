package org.sightline.actions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds the example plugin in examples/plugin-example into a jar, drops it in plugins/, and uses it. */
class ExamplePluginTest {
    @TempDir
    Path dir;

    @Test
    void the_example_plugin_loads_from_a_jar_in_plugins_and_carries_out_a_decision() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        buildJar(Path.of("examples/plugin-example/src/main"), plugins.resolve("example-file-log.jar"));
        Path log = dir.resolve("decisions.log");
        Config config = Config.defaults().with("data.dir", dir.resolve("data")).with("ingest.poll_ms", 50)
                .with("plugins.example_file_log.path", log.toString());
        try (TestServer server = new TestServer(config)) {
            assertThat(server.get("/api/v1/plugins", server.token("admin", Scope.ADMIN)).body()).contains("example_file_log");
            server.deps.instances().add(new InstanceService.NewInstance("forum", "generic", "https://forum.example",
                    null, null, null, null, null));
            server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "report", "enforce",
                    List.of("spam"), null, null, null));
            server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq",
                    ActionsTest.BRIDGE_PDQ, List.of("spam"), null, null, null)), "test");
            String image = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
            // the forum's own integration: a scan token bound to it may make Sightline act on it
            String scanner = server.deps.tokens().create("scanner", java.util.Set.of(Scope.SCAN), null, "forum", "test").token();
            long id = server.postJson("/api/v1/media", scanner,
                    "{\"image_base64\":\"" + image + "\",\"instance\":\"forum\"}").json().get("id").asLong();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (Instant.now().isBefore(deadline) && !Files.exists(log)) Thread.sleep(25);
            assertThat(Files.readString(log)).isEqualTo("report media=" + id + " labels=spam\n");
        }
    }

    /** javac + jar, as the example's README tells a plugin author to do. */
    static void buildJar(Path source, Path jar) throws IOException {
        Path classes = Files.createTempDirectory("plugin-classes");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> files = Files.walk(source.resolve("java"))) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac").isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path root : List.of(classes, source.resolve("resources"))) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, (OutputStream) out);
                        out.closeEntry();
                    }
                }
            }
        }
    }
}
