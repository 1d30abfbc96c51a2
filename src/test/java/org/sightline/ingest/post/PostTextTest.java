package org.sightline.ingest.post;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Mastodon's HTML as plain text, Misskey's words, and the size caps of what is kept of a post. */
class PostTextTest {
    @Test
    void paragraphs_and_breaks_become_lines_tags_go_and_references_are_decoded() {
        assertThat(PostText.plain("<p>one &amp; two<br/>three</p><p>&#8220;four&#x201D; &lt;b&gt;</p>", 5000))
                .isEqualTo("one & two\nthree\n\n\u201Cfour\u201D <b>");
    }

    @Test
    void scripts_and_styles_are_dropped_with_their_content_and_a_cut_tag_does_not_survive() {
        assertThat(PostText.plain("a<script>alert(1)</script>b<style>p{}</style>c<img src=x onerror=alert(2)", 5000))
                .isEqualTo("abc");
    }

    @Test
    void unknown_or_invalid_references_stay_as_written_or_become_the_replacement_character() {
        assertThat(PostText.plain("&copy; &#0; &#xD800;", 5000)).isEqualTo("&copy; \uFFFD \uFFFD");
    }

    @Test
    void text_is_cut_at_its_cap_without_splitting_a_character() {
        String emoji = "\uD83D\uDE00";
        String cut = PostText.cut("ab" + emoji + "cd", 4);
        assertThat(cut).isEqualTo("ab…");
        assertThat(PostText.plain("x".repeat(6000), PostContext.TEXT_MAX)).hasSize(PostContext.TEXT_MAX).endsWith("…");
        assertThat(new PostContext("y".repeat(9000), "z".repeat(2000), null, null, null, null, null))
                .satisfies(p -> {
                    assertThat(p.text()).hasSize(PostContext.TEXT_MAX);
                    assertThat(p.spoilerText()).hasSize(PostContext.CW_MAX);
                });
    }

    @Test
    void misskey_notes_map_their_visibility_and_warning_and_link_to_the_note() throws Exception {
        var note = new ObjectMapper().readTree("{\"id\":\"9abc\",\"text\":\"hi\",\"cw\":\"nsfw\",\"visibility\":\"home\","
                + "\"user\":{\"username\":\"ana\",\"host\":null},\"files\":[{\"isSensitive\":false},{\"isSensitive\":true}]}");
        PostContext p = PostContext.misskey(note, "https://misskey.example/");
        assertThat(p.visibility()).isEqualTo(Visibility.UNLISTED);
        assertThat(p.spoilerText()).isEqualTo("nsfw");
        assertThat(p.sensitive()).isTrue();
        assertThat(p.url()).isEqualTo("https://misskey.example/notes/9abc");
        assertThat(p.author()).isEqualTo("ana@misskey.example");
        assertThat(Visibility.misskey("followers")).isEqualTo(Visibility.PRIVATE);
        assertThat(Visibility.misskey("specified")).isEqualTo(Visibility.DIRECT);
        assertThat(Visibility.misskey("public")).isEqualTo(Visibility.PUBLIC);
    }

    @Test
    void a_remote_author_keeps_its_own_domain_and_a_non_http_link_is_dropped() throws Exception {
        var status = new ObjectMapper().readTree("{\"content\":\"<p>x</p>\",\"url\":\"javascript:alert(1)\","
                + "\"visibility\":\"unlisted\",\"sensitive\":false,\"account\":{\"acct\":\"bo@far.example\"}}");
        PostContext p = PostContext.mastodon(status, null).withDomainDefault("home.example");
        assertThat(p.domain()).isEqualTo("far.example");
        assertThat(p.url()).isNull();
        assertThat(p.visibility()).isEqualTo(Visibility.UNLISTED);
        assertThat(p.isPublic()).isFalse();
    }
}
