package org.vpsrecovery.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Shows where the URL, the token and the team come from; the token itself is never printed. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the service URL, where the token comes from, and the team.")
final class ConfigCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Vpsr vpsr;

    @Override
    public Integer call() {
        Connection connection = vpsr.connection();
        PrintWriter out = vpsr.spec.commandLine().getOut();
        out.println("url    " + connection.url() + "  (" + connection.urlSource() + ")");
        out.println("token  " + (connection.token().isPresent() ? "set  (" + connection.tokenSource() + ")" : "none"));
        out.println("team   " + connection.team().map(team -> team + "  (" + connection.teamSource() + ")").orElse("none"));
        out.println("file   " + (vpsr.config != null ? vpsr.config
                : vpsr.environment().variables().getOrDefault(Connection.CONFIG_VARIABLE,
                        Connection.defaultConfigFile(vpsr.environment().variables(), vpsr.environment().home()).toString())));
        out.flush();
        return ExitCodes.OK;
    }
}
