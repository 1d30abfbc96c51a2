package org.sightline.users;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {
    final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void a_hash_verifies_its_password_only() {
        String h = hasher.hash("correct horse battery");
        assertThat(hasher.verify("correct horse battery", h)).isTrue();
        assertThat(hasher.verify("correct horse batterY", h)).isFalse();
        assertThat(hasher.verify("", h)).isFalse();
    }

    @Test
    void each_hash_has_its_own_salt_and_carries_its_parameters() {
        String a = hasher.hash("same password");
        String b = hasher.hash("same password");
        assertThat(a).isNotEqualTo(b).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        // Parameters are read from the hash, so a hash made with other ones still verifies.
        String cheap = new PasswordHasher(new SecureRandom(), 1024, 1, 1).hash("same password");
        assertThat(hasher.verify("same password", cheap)).isTrue();
    }

    @Test
    void an_altered_or_malformed_hash_never_verifies() {
        String h = hasher.hash("pw pw pw pw pw");
        String altered = h.substring(0, h.length() - 2) + (h.endsWith("A") ? "BB" : "AA");
        assertThat(hasher.verify("pw pw pw pw pw", altered)).isFalse();
        assertThat(hasher.verify("pw pw pw pw pw", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA")).isFalse();
        assertThat(hasher.verify("pw pw pw pw pw", "not a hash")).isFalse();
    }
}
