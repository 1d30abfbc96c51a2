package org.sightline.dsa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.config.SecretBox;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code seal}: prints a secret from standard input sealed with the data directory's key (for dsa.tdb_token). */
class SealCommandTest {
    @TempDir
    Path dir;

    private String[] run(String stdin) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            StringWriter out = new StringWriter(), err = new StringWriter();
            int code = Main.run(new String[]{"seal"}, Map.of("SIGHTLINE_DATA_DIR", dir.toString()),
                    new PrintWriter(out, true), new PrintWriter(err, true));
            return new String[]{String.valueOf(code), out.toString().trim(), err.toString()};
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void a_sealed_token_opens_with_the_data_directorys_key_only() {
        String[] r = run("tdb-secret-token\n");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).startsWith("v1:").doesNotContain("tdb-secret-token");
        assertThat(SecretBox.forDataDir(dir).open(r[1])).isEqualTo("tdb-secret-token");
        assertThat(run("")[0]).isNotEqualTo("0");
    }
}
