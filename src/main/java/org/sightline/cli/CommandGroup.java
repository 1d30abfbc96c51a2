package org.sightline.cli;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/** A command that only groups subcommands: on its own it prints its usage and fails. */
public abstract class CommandGroup implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
