package org.vpsrecovery.bootstrap.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.vpsrecovery.cli.Vpsr;
import picocli.CommandLine;

/** Runs vpsr's commands in this JVM against a running platform, as a script would, with out and err captured. */
record VpsrCommands(String url, Path home) {

    record Run(int exitCode, String out, String err) {
    }

    static VpsrCommands against(RunningPlatform platform) {
        try {
            return new VpsrCommands(platform.server.getURL().toString(), Files.createTempDirectory("vpsr-home-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** With this token in VPSR_TOKEN, not on a terminal (progress comes as plain lines). */
    Run run(String token, String... args) {
        return run(token, new StringWriter(), args);
    }

    /** As {@link #run(String, String...)}, stdout written to {@code out} (a sink that fails, say). */
    Run run(String token, java.io.Writer out, String... args) {
        return run(token, Map.of(), out, args);
    }

    /** As {@link #run(String, String...)}, with more environment variables (VPSR_TEAM, say). */
    Run run(String token, Map<String, String> variables, String... args) {
        return run(token, variables, new StringWriter(), args);
    }

    private Run run(String token, Map<String, String> variables, java.io.Writer out, String... args) {
        StringWriter err = new StringWriter();
        Map<String, String> environment = new java.util.HashMap<>(variables);
        environment.put("VPSR_URL", url);
        environment.put("VPSR_TOKEN", token);
        CommandLine commandLine = Vpsr.commandLine(new Vpsr.Environment(Map.copyOf(environment), home, false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
