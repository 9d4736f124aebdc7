package dk.samtale.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Stands in for a service process in {@link EmbeddedPostgresOrphanTest}: starts the embedded database
 * in the given directory the way the service does, writes a row, says so, and waits to be killed.
 */
public final class EmbeddedPostgresChild {

    static final String READY = "READY postmaster ";

    private EmbeddedPostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        EmbeddedPostgres postgres = EmbeddedPostgresConfigSourceFactory.startIn(data);
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE TABLE survived (note text)");
            c.createStatement().execute("INSERT INTO survived VALUES ('written before kill -9')");
        }
        String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
        System.out.println(READY + pid);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
