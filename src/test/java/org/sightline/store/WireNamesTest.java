package org.sightline.store;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireNamesTest {

    public enum Colour {
        LIGHT_BLUE("light_blue"), RED("red");

        private final String wireName;

        Colour(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public record Row(long id, Colour colour) {
    }

    private static Jdbi h2() {
        Jdbi jdbi = Jdbi.create("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1").installPlugin(new WireNames());
        jdbi.useHandle(h -> h.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, colour VARCHAR(20))"));
        return jdbi;
    }

    @Test
    void enumsWithAWireNameAreStoredAndReadAsTheirWireName() {
        Jdbi jdbi = h2();
        jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO t VALUES (1, :c)").bind("c", Colour.LIGHT_BLUE).execute();
            h.createUpdate("INSERT INTO t VALUES (2, :c)").bindByType("c", null, Colour.class).execute();
        });
        List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT colour FROM t ORDER BY id").mapTo(String.class).list());
        assertEquals("light_blue", stored.get(0));
        assertNull(stored.get(1));
        assertEquals(Colour.LIGHT_BLUE, jdbi.withHandle(h -> h.createQuery("SELECT colour FROM t WHERE id = 1")
                .mapTo(Colour.class).one()));
        jdbi.registerRowMapper(org.jdbi.v3.core.mapper.reflect.ConstructorMapper.factory(Row.class));
        assertEquals(new Row(1, Colour.LIGHT_BLUE), jdbi.withHandle(h -> h.createQuery("SELECT * FROM t WHERE id = 1")
                .mapTo(Row.class).one()));
        assertEquals(new Row(2, null), jdbi.withHandle(h -> h.createQuery("SELECT * FROM t WHERE id = 2")
                .mapTo(Row.class).one()));
    }

    @Test
    void anUnknownStoredValueIsAClearError() {
        Jdbi jdbi = h2();
        jdbi.useHandle(h -> h.execute("INSERT INTO t VALUES (1, 'LIGHT_BLUE')"));
        Exception e = assertThrows(Exception.class, () -> jdbi.withHandle(h -> h.createQuery("SELECT colour FROM t")
                .mapTo(Colour.class).one()));
        String message = messages(e);
        assertTrue(message.contains("holds 'LIGHT_BLUE', not a Colour (expected one of light_blue, red)"), message);
    }

    private static String messages(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) out.append(t.getMessage()).append(" | ");
        return out.toString();
    }
}
