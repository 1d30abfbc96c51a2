package org.sightline.matching;

import org.junit.jupiter.api.Test;
import org.sightline.hashing.PdqHash;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sightline.matching.PdqIndexTest.atDistance;
import static org.sightline.matching.PdqIndexTest.random;

class MatcherTest {
    final SplittableRandom rnd = new SplittableRandom(11);
    final Matcher matcher = new Matcher();

    MatcherTest() {
        matcher.putBank(new Matcher.MatchBank(1, "bad", false, false, 31, 10, 10));
        matcher.putBank(new Matcher.MatchBank(2, "strict", false, false, 8, 4, 4));
        matcher.putBank(new Matcher.MatchBank(3, "known-ok", true, false, 10, 10, 10));
    }

    static Matcher.Probe pdq(PdqHash h, Integer quality) {
        return new Matcher.Probe(SignalType.PDQ, h.hex(), null, quality);
    }

    @Test
    void per_bank_threshold_decides_what_matches() {
        PdqHash q = random(rnd);
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, atDistance(q, 20, rnd).hex()));
        matcher.add(new Matcher.IndexedEntry(2, 2, SignalType.PDQ, atDistance(q, 20, rnd).hex()));
        matcher.add(new Matcher.IndexedEntry(3, 2, SignalType.PDQ, atDistance(q, 8, rnd).hex()));

        Matcher.Result r = matcher.match(List.of(pdq(q, null)));
        assertThat(r.matches()).extracting(Matcher.Match::entryId).containsExactly(3L, 1L);
        assertThat(r.matches().get(0).variant()).isEqualTo("original");
        assertThat(r.allowed()).isEmpty();
    }

    @Test
    void allow_bank_match_vetoes_matches_in_other_banks() {
        PdqHash q = random(rnd);
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, atDistance(q, 12, rnd).hex()));
        matcher.add(new Matcher.IndexedEntry(2, 3, SignalType.PDQ, atDistance(q, 15, rnd).hex()));
        // Beyond the allow bank's own threshold (10): no veto.
        assertThat(matcher.match(List.of(pdq(q, 90))).matches()).extracting(Matcher.Match::entryId).containsExactly(1L);

        matcher.add(new Matcher.IndexedEntry(3, 3, SignalType.PDQ, atDistance(q, 9, rnd).hex()));
        Matcher.Result r = matcher.match(List.of(pdq(q, 90)));
        assertThat(r.matches()).isEmpty();
        assertThat(r.allowed()).extracting(Matcher.Match::entryId).containsExactly(3L);
        assertThat(r.vetoed()).extracting(Matcher.Match::entryId).containsExactly(1L);
    }

    @Test
    void allow_bank_in_observe_mode_reports_but_does_not_veto() {
        matcher.putBank(new Matcher.MatchBank(4, "trial-allow", true, true, 10, 10, 10));
        PdqHash q = random(rnd);
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, atDistance(q, 12, rnd).hex()));
        matcher.add(new Matcher.IndexedEntry(2, 4, SignalType.PDQ, atDistance(q, 2, rnd).hex()));
        Matcher.Result r = matcher.match(List.of(pdq(q, null)));
        assertThat(r.matches()).extracting(Matcher.Match::entryId).containsExactly(1L);
        assertThat(r.allowed()).extracting(Matcher.Match::entryId).containsExactly(2L);
        assertThat(r.vetoed()).isEmpty();
    }

    @Test
    void low_quality_pdq_is_never_matched() {
        PdqHash q = random(rnd);
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, q.hex()));
        assertThat(matcher.match(List.of(pdq(q, 49))).matches()).isEmpty();
        assertThat(matcher.match(List.of(pdq(q, 50))).matches()).hasSize(1);
        assertThat(matcher.match(List.of(pdq(q, null))).matches()).hasSize(1);
    }

    @Test
    void rotated_copy_matches_through_derived_variants() {
        // An image and its rotation by 90° (hashes from the reference pipeline, expected-dihedral.csv).
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ,
                "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"));
        PdqHash rotated = PdqHash.parse("30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af");
        assertThat(rotated.distance(PdqHash.parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")))
                .isGreaterThan(31);
        Matcher.Result r = matcher.match(List.of(pdq(rotated, null)));
        assertThat(r.matches()).hasSize(1);
        assertThat(r.matches().get(0).variant()).isEqualTo("rotate270");
    }

    @Test
    void digests_match_exactly_and_64_bit_hashes_by_radius() {
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427e"));
        matcher.add(new Matcher.IndexedEntry(2, 1, SignalType.PHASH, "00000000000000ff"));
        matcher.add(new Matcher.IndexedEntry(3, 2, SignalType.PHASH, "000000000000000f"));
        matcher.add(new Matcher.IndexedEntry(4, 1, SignalType.DHASH, "ffffffffffffffff"));

        assertThat(matcher.match(List.of(new Matcher.Probe(SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427e", null, null)))
                .matches()).extracting(Matcher.Match::entryId).containsExactly(1L);
        assertThat(matcher.match(List.of(new Matcher.Probe(SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427f", null, null)))
                .matches()).isEmpty();
        // phash 0: entry 2 at distance 8 (bank 1 allows 10), entry 3 at 4 (bank 2 allows 4).
        assertThat(matcher.match(List.of(new Matcher.Probe(SignalType.PHASH, "0000000000000000", null, null))).matches())
                .extracting(Matcher.Match::entryId).containsExactly(3L, 2L);
        // dhash with 11 bits off: beyond bank 1's threshold of 10.
        assertThat(matcher.match(List.of(new Matcher.Probe(SignalType.DHASH, "fffffffffffff800", null, null))).matches())
                .isEmpty();
        matcher.retract(new Matcher.IndexedEntry(1, 1, SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427e"));
        assertThat(matcher.match(List.of(new Matcher.Probe(SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427e", null, null)))
                .matches()).isEmpty();
    }

    @Test
    void fingerprint_counts_each_active_entry_once_however_often_it_is_announced() {
        PdqHash a = random(rnd), b = random(rnd);
        matcher.add(new Matcher.IndexedEntry(5, 1, SignalType.PDQ, a.hex()));
        matcher.add(new Matcher.IndexedEntry(5, 1, SignalType.PDQ, a.hex()));
        matcher.add(new Matcher.IndexedEntry(9, 1, SignalType.PDQ, b.hex()));
        matcher.add(new Matcher.IndexedEntry(12, 1, SignalType.MD5, "ab".repeat(16)));
        matcher.retract(new Matcher.IndexedEntry(9, 1, SignalType.PDQ, b.hex()));
        matcher.retract(new Matcher.IndexedEntry(9, 1, SignalType.PDQ, b.hex()));
        matcher.retract(new Matcher.IndexedEntry(77, 1, SignalType.PDQ, b.hex())); // never indexed

        assertThat(matcher.fingerprint(SignalType.PDQ)).isEqualTo(new Matcher.Fingerprint(1, 5));
        assertThat(matcher.fingerprint(SignalType.MD5)).isEqualTo(new Matcher.Fingerprint(1, 12));
        assertThat(matcher.fingerprint(SignalType.SHA256)).isEqualTo(new Matcher.Fingerprint(0, 0));
    }

    @Test
    void rebuild_replaces_an_index_that_lost_an_entry_it_had_marked_as_held() {
        PdqHash kept = random(rnd), lost = random(rnd);
        matcher.add(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, kept.hex()));
        matcher.add(new Matcher.IndexedEntry(2, 1, SignalType.PDQ, lost.hex()));
        matcher.retract(new Matcher.IndexedEntry(2, 1, SignalType.PDQ, lost.hex()));
        // announcing entry 2 again cannot bring it back: the index already counts it as held
        matcher.add(new Matcher.IndexedEntry(2, 1, SignalType.PDQ, lost.hex()));
        assertThat(matcher.match(List.of(pdq(lost, null))).matches()).isEmpty();

        matcher.rebuild(loader -> {
            loader.accept(new Matcher.IndexedEntry(1, 1, SignalType.PDQ, kept.hex()));
            loader.accept(new Matcher.IndexedEntry(2, 1, SignalType.PDQ, lost.hex()));
        });
        assertThat(matcher.match(List.of(pdq(lost, null))).matches()).extracting(Matcher.Match::entryId)
                .containsExactly(2L);
        assertThat(matcher.match(List.of(pdq(kept, null))).matches()).extracting(Matcher.Match::entryId)
                .containsExactly(1L);
        assertThat(matcher.fingerprint(SignalType.PDQ)).isEqualTo(new Matcher.Fingerprint(2, 3));
    }
}
