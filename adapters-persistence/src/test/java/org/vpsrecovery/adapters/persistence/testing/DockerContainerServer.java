package org.vpsrecovery.adapters.persistence.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The Testcontainers path, apart so that its classes load only when it is tried. */
final class DockerContainerServer {

    record Started(String jdbcUrl, String user, String password) {
    }

    private DockerContainerServer() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable noDockerOrNoTestcontainers) {
            // Testcontainers absent from a consumer's class path, or no engine: use the next path.
            return false;
        }
    }

    @SuppressWarnings("resource") // Testcontainers' Ryuk removes the container when the JVM ends.
    static Started start(String image) {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(
                DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                .withCommand("postgres", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300");
        container.start();
        return new Started(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
}
