package org.sightline.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks that report ratios against a baseline measured in the same run.",
        subcommands = {HashBenchCommand.class, MatchBenchCommand.class, IngestBenchCommand.class,
                ListBenchCommand.class, StartBenchCommand.class, ClassifyBenchCommand.class,
                FollowBenchCommand.class, VideoBenchCommand.class})
public final class BenchCommand extends CommandGroup {
}
