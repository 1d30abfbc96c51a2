package org.sightline.cli;

import org.sightline.config.Config;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Options shared by every command that reads the configuration. */
public class ConfigOption {
    @Option(names = "--config", description = "YAML configuration file (environment variables SIGHTLINE_* override it)")
    Path configFile;

    public Config load(Map<String, String> env) {
        return Config.load(configFile, env);
    }
}
