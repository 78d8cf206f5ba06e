package io.netlab.runtime;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Reports a bad command line in two lines — what is wrong, and where to find help — instead of the whole usage
 * text, and exits with picocli's usage code (2).
 */
public final class ShortUsageErrors implements CommandLine.IParameterExceptionHandler {
    private final String program;

    /** @param program the name shown before the message, e.g. {@code netlab-client} */
    public ShortUsageErrors(String program) {
        this.program = program;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(program + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        String sub = cmd.getCommandSpec().qualifiedName(" ");
        err.println("Try '" + sub + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
