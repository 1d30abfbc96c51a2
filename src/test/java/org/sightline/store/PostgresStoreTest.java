package org.sightline.store;

/** The storage contract on the local PostgreSQL, each test in its own fresh schema (dropped afterwards). */
class PostgresStoreTest extends StoreContract {
    private String url;

    @Override
    String url() {
        if (url == null) url = TestDatabases.createPostgresSchema();
        return url;
    }

    @Override
    void cleanup() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
        url = null;
    }
}
