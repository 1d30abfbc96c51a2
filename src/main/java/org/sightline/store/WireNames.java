package org.sightline.store;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;
import org.jdbi.v3.core.spi.JdbiPlugin;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.sql.Types;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Stores any enum with a public {@code wireName()} as that wire name (the lowercase word the API shows), and
 * reads it back the same way. Found by reflection so that {@code store} needs no import of the feature packages;
 * enums without {@code wireName()} keep JDBI's default (their name).
 */
public final class WireNames implements JdbiPlugin {

    @Override
    public void customizeJdbi(Jdbi jdbi) {
        jdbi.registerArgument(new Arguments());
        jdbi.registerColumnMapper(new Columns());
    }

    /** The enum's {@code wireName()} accessor, if the type is such an enum. */
    static Optional<Method> wireNameOf(Type type) {
        if (!(type instanceof Class<?> c) || !c.isEnum()) return Optional.empty();
        try {
            Method m = c.getMethod("wireName");
            return Modifier.isStatic(m.getModifiers()) || m.getReturnType() != String.class ? Optional.empty() : Optional.of(m);
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    static String wireName(Method accessor, Object value) {
        try {
            return (String) accessor.invoke(value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the wire name of " + value, e);
        }
    }

    private static final class Arguments implements ArgumentFactory.Preparable {
        @Override
        public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
            return wireNameOf(type).map(m -> value -> (position, statement, ctx) -> {
                if (value == null) statement.setNull(position, Types.VARCHAR);
                else statement.setString(position, wireName(m, value));
            });
        }

        @Override
        public Optional<Argument> build(Type type, Object value, ConfigRegistry config) {
            return prepare(type, config).map(f -> f.apply(value));
        }
    }

    private static final class Columns implements ColumnMapperFactory {
        @Override
        public Optional<ColumnMapper<?>> build(Type type, ConfigRegistry config) {
            return wireNameOf(type).map(m -> {
                Class<?> c = (Class<?>) type;
                Map<String, Object> byWire = Arrays.stream(c.getEnumConstants())
                        .collect(Collectors.toMap(v -> wireName(m, v), v -> v, (a, b) -> a, LinkedHashMap::new));
                return (rs, column, ctx) -> {
                    String stored = rs.getString(column);
                    if (stored == null) return null;
                    Object v = byWire.get(stored);
                    if (v == null) {
                        throw new IllegalStateException("column " + rs.getMetaData().getColumnLabel(column) + " holds '"
                                + stored + "', not a " + c.getSimpleName() + " (expected one of "
                                + String.join(", ", byWire.keySet()) + ")");
                    }
                    return v;
                };
            });
        }
    }
}
