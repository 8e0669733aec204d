package org.vpsrecovery.bootstrap.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.vpsrecovery.bootstrap.process.ServiceProcess;

/**
 * nginx in front of service processes, configured by the deployment guide's own example
 * ({@code docs/deploy/nginx.conf}, its placeholders filled in) inside a minimal main file, run in the
 * foreground under a directory of its own ({@code nginx -p DIR}): no system file is read or written.
 */
final class NginxProcess implements AutoCloseable {

    /** The example the deployment guide shows, from the bootstrap module's directory (where Failsafe runs). */
    static final Path EXAMPLE = Path.of("..", "docs", "deploy", "nginx.conf").toAbsolutePath().normalize();

    private static final String MAIN = """
            daemon off;
            worker_processes 1;
            pid nginx.pid;
            error_log error.log warn;
            events { worker_connections 512; }
            http {
                log_format upstreams '$msec $request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
                access_log access.log upstreams;
                client_body_temp_path tmp/body;
                proxy_temp_path tmp/proxy;
                fastcgi_temp_path tmp/fastcgi;
                uwsgi_temp_path tmp/uwsgi;
                scgi_temp_path tmp/scgi;
                include vps-recovery.conf;
            }
            """;

    private final Path directory;
    private final Process process;
    private final int port;

    private NginxProcess(Path directory, Process process, int port) {
        this.directory = directory;
        this.process = process;
        this.port = port;
    }

    /** nginx on the PATH or where Debian puts it; empty when it is not installed. */
    static Optional<Path> binary() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "nginx"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/sbin/nginx")))
                .filter(Files::isExecutable).findFirst();
    }

    /** Starts nginx with the example, balancing over the two instances, and waits until it listens. */
    static NginxProcess start(Path binary, ServiceProcess first, ServiceProcess second) {
        try {
            Path directory = ServiceProcess.newDirectory("nginx");
            Files.createDirectories(directory.resolve("tmp"));
            int port = freePort();
            String example = Files.readString(EXAMPLE)
                    .replace("__INSTANCE_1__", "127.0.0.1:" + first.port())
                    .replace("__INSTANCE_2__", "127.0.0.1:" + second.port())
                    .replace("__LISTEN__", "127.0.0.1:" + port);
            Files.writeString(directory.resolve("vps-recovery.conf"), example);
            Files.writeString(directory.resolve("nginx.conf"), MAIN);
            Process process = new ProcessBuilder(binary.toString(), "-p", directory.toString(),
                    "-c", directory.resolve("nginx.conf").toString(), "-e", directory.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("stdout.log").toFile()).start();
            NginxProcess nginx = new NginxProcess(directory, process, port);
            await("nginx listening on " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("nginx ended: " + nginx.errorLog());
                        }
                        return nginx.accepts();
                    });
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** One line per request: method, path, status, the instance(s) it went to and their answers. */
    List<String> accessLog() {
        return readLines(directory.resolve("access.log"));
    }

    String errorLog() {
        return String.join("\n", readLines(directory.resolve("error.log")));
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
