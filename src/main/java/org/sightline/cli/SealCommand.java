package org.sightline.cli;

import org.sightline.config.Config;
import org.sightline.config.SecretBox;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code seal}: reads a secret from the first line of standard input and prints it sealed with
 * {@code <data.dir>/secret.key} (the {@code v1:…} form), for configuration values that accept one
 * ({@code dsa.tdb_token}), so the file and the environment hold no plain secret.
 */
@Command(name = "seal", mixinStandardHelpOptions = true,
        description = "Seal a secret from standard input with the data directory's key; prints its v1:… form.")
public final class SealCommand implements Callable<Integer> {
    private final Map<String, String> env;
    @CommandLine.Mixin
    ConfigOption configOption = new ConfigOption();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public SealCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        Config config = configOption.load(env);
        String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isBlank()) throw new UserError("no secret on standard input");
        PrintWriter out = spec.commandLine().getOut();
        out.println(SecretBox.forDataDir(config.dataDir()).seal(secret.strip()));
        out.flush();
        return 0;
    }
}
