package movemap.neo4jtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts an in-process Neo4j (the test harness) with Bolt on a free loopback port, prints
 * {@code bolt://127.0.0.1:PORT} as the first line on stdout once it accepts connections, and runs
 * until SIGTERM/SIGINT, until its parent process dies, or (with --watch-stdin) until stdin closes.
 *
 * <p>Usage: {@code Main DATA_DIR [--watch-stdin]}. Authentication is disabled. The server's files
 * live in a fresh sub-folder of DATA_DIR that the harness removes on a clean shutdown.
 */
public final class Main {
    private Main() {}

    /**
     * The page cache in MiB: NEO4J_PAGECACHE_MB, else 64 (plenty for the tests; a benchmark of a
     * million ties wants about 1024, or every read goes to disk).
     */
    static long pageCacheMiB() {
        String value = System.getenv("NEO4J_PAGECACHE_MB");
        if (value == null || value.isBlank()) {
            return 64;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            System.err.println("NEO4J_PAGECACHE_MB must be a whole number of MiB, not " + value);
            System.exit(2);
            return 0;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2
                || (args.length == 2 && !args[1].equals("--watch-stdin"))) {
            System.err.println("usage: start DATA_DIR [--watch-stdin]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        boolean watchStdin = args.length == 2;
        Files.createDirectories(dataDir);

        // Only the address may reach stdout: anything Neo4j prints goes to stderr instead.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(dataDir)
                .withDisabledServer() // no HTTP: Bolt is all the tests use
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB()))
                // A test server has no clients worth waiting for on shutdown: without these two
                // (internal) settings Bolt waits about ten seconds for idle threads and connections.
                .withConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time,
                        Duration.ofMillis(100))
                .withConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time,
                        Duration.ofMillis(100))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                neo4j.close();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        URI bolt = neo4j.boltURI();
        stdout.println("bolt://127.0.0.1:" + bolt.getPort());
        stdout.flush();
        System.err.println("neo4j-test-server: ready on bolt://127.0.0.1:" + bolt.getPort()
                + " (auth disabled), files under " + dataDir);

        watchParent();
        if (watchStdin) {
            watchStdin();
        }
        stopped.await();
    }

    /** Exit (running the shutdown hook) when the process that started us goes away. */
    private static void watchParent() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        ProcessHandle handle = parent.get();
        handle.onExit().thenRun(() -> {
            System.err.println("neo4j-test-server: parent process exited, stopping");
            System.exit(0);
        });
    }

    /** Exit when stdin reaches end of file: the caller closed its pipe or died. */
    private static void watchStdin() {
        Thread reader = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // Input is ignored; only its end matters.
                }
            } catch (IOException ignored) {
                // A broken stdin counts as closed.
            }
            System.err.println("neo4j-test-server: stdin closed, stopping");
            System.exit(0);
        }, "stdin-watch");
        reader.setDaemon(true);
        reader.start();
    }
}
