package org.vpsrecovery.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of vpsr as its user starts it: the exit code and what it wrote to standard output and to standard error. */
record VpsrRun(int exitCode, String out, String err) {

    /** Runs vpsr with {@code args} in {@code environment}, its output kept. */
    static VpsrRun of(Vpsr.Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Vpsr.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new VpsrRun(code, out.toString(), err.toString());
    }
}
