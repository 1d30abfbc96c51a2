package org.sightline.ingest.mastodon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sightline.ingest.mastodon.MastodonFixtures.JSON;
import static org.sightline.ingest.mastodon.MastodonFixtures.envelope;
import static org.sightline.ingest.mastodon.MastodonFixtures.tree;

class MastodonWebhookParserTest {
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
    private final MastodonWebhookParser parser = new MastodonWebhookParser();

    private MastodonEvent event(byte[] body) {
        WebhookParse parsed = parser.parse(body);
        assertThat(parsed).isInstanceOf(MastodonEvent.class);
        return (MastodonEvent) parsed;
    }

    private static ObjectNode attachment(String id, String type, String url, String previewUrl) {
        ObjectNode a = JSON.createObjectNode();
        a.put("id", id);
        a.put("type", type);
        a.put("url", url);
        a.put("preview_url", previewUrl);
        return a;
    }

    @Test
    void parses_the_status_created_fixture() {
        MastodonEvent event = event(MastodonFixtures.statusCreatedBody());
        assertThat(event.type()).isEqualTo(EventType.STATUS_CREATED);
        assertThat(event.objectId()).isEqualTo("103270115826048975");
        assertThat(event.dedupeKey()).isEqualTo("status.created|103270115826048975|2019-12-08T03:48:33.901Z");
        assertThat(event.occurredAt()).isEqualTo("2019-12-08T03:48:34.120Z");
        assertThat(event.fromReport()).isFalse();
        assertThat(event.report()).isNull();
        assertThat(event.skipped()).isEmpty();
        assertThat(event.media()).containsExactly(new MediaRef("22345792", "image",
                URI.create("https://files.mastodon.social/media_attachments/files/022/345/792/original/57859aede991da25.jpeg"),
                "103270115826048975", "https://mastodon.social/@Gargron/103270115826048975", "1", "Gargron",
                false, null));
    }

    @Test
    void parses_the_status_entity_as_a_status_created_object() {
        ObjectNode status = tree("status-entity.docs-example.json");
        ((ArrayNode) status.get("media_attachments")).add(tree("media-attachment-image.docs-example.json"));
        MastodonEvent event = event(envelope("status.created", status));
        assertThat(event.dedupeKey()).isEqualTo("status.created|103270115826048975|2019-12-08T03:48:33.901Z");
        assertThat(event.media()).singleElement().satisfies(m -> {
            assertThat(m.attachmentId()).isEqualTo("22345792");
            assertThat(m.fetchUrl().toString()).endsWith("/original/57859aede991da25.jpeg");
            assertThat(m.acct()).isEqualTo("Gargron");
        });
    }

    @Test
    void keys_a_status_update_by_its_edit_time_and_lists_all_current_media() {
        ObjectNode status = tree("status-entity.docs-example.json");
        status.put("edited_at", "2019-12-08T04:00:00.000Z");
        ArrayNode media = (ArrayNode) status.get("media_attachments");
        media.add(tree("media-attachment-image.docs-example.json"));
        media.add(attachment("22345793", "image", "https://files.example/new.png", "https://files.example/new-s.png"));
        MastodonEvent first = event(envelope("status.updated", status));
        assertThat(first.type()).isEqualTo(EventType.STATUS_UPDATED);
        assertThat(first.dedupeKey()).isEqualTo("status.updated|103270115826048975|2019-12-08T04:00:00.000Z");
        assertThat(first.media()).extracting(MediaRef::attachmentId).containsExactly("22345792", "22345793");

        // what the caller stored after the first scan: only the new or changed attachments are scanned again
        java.util.Map<String, URI> stored = new java.util.HashMap<>();
        first.media().forEach(m -> stored.put(m.attachmentId(), m.fetchUrl()));
        assertThat(first.newOrChanged(stored)).isEmpty();

        status.put("edited_at", "2019-12-08T05:00:00.000Z");
        ((ObjectNode) media.get(1)).put("url", "https://files.example/replaced.png");
        media.add(attachment("22345794", "image", "https://files.example/third.png", null));
        MastodonEvent second = event(envelope("status.updated", status));
        assertThat(second.dedupeKey()).isNotEqualTo(first.dedupeKey());
        assertThat(second.newOrChanged(stored)).extracting(MediaRef::attachmentId)
                .containsExactly("22345793", "22345794");
        // the same delivery again keys the same
        assertThat(event(envelope("status.updated", status)).dedupeKey()).isEqualTo(second.dedupeKey());
    }

    @Test
    void follows_a_boost_to_the_boosted_status_media() {
        ObjectNode original = tree("status-entity.docs-example.json");
        original.put("id", "900");
        original.put("url", "https://remote.example/@artist/900");
        ((ObjectNode) original.get("account")).put("id", "77").put("acct", "artist@remote.example");
        ((ArrayNode) original.get("media_attachments"))
                .add(attachment("5001", "image", "https://cache.local/5001.jpg", "https://cache.local/5001-s.jpg"));
        ObjectNode boost = tree("status-entity.docs-example.json");
        boost.put("id", "901");
        boost.set("reblog", original);

        MastodonEvent event = event(envelope("status.created", boost));
        assertThat(event.objectId()).isEqualTo("901");
        assertThat(event.media()).containsExactly(new MediaRef("5001", "image", URI.create("https://cache.local/5001.jpg"),
                "900", "https://remote.example/@artist/900", "77", "artist@remote.example", false, "901"));
    }

    @Test
    void fetches_gifv_and_video_whole_the_still_preview_of_audio_and_skips_audio_without_one() {
        ObjectNode status = tree("status-entity.docs-example.json");
        status.put("sensitive", true);
        ArrayNode media = (ArrayNode) status.get("media_attachments");
        media.add(attachment("1", "gifv", "https://f.example/1.mp4", "https://f.example/1.png"));
        media.add(attachment("2", "video", "https://f.example/2.mp4", "https://f.example/2.png"));
        ObjectNode audio = attachment("3", "audio", "https://f.example/3.mp3", null);
        media.add(audio);
        media.add(attachment("4", "audio", "https://f.example/4.mp3", "https://f.example/4-cover.png"));
        media.add(attachment("5", "unknown", "https://f.example/5.bin", null));
        ObjectNode remoteOnly = attachment("6", "image", null, null);
        remoteOnly.put("remote_url", "https://origin.example/6.jpg");
        media.add(remoteOnly);
        // a video whose file is not named: its still preview is what can be scanned
        media.add(attachment("7", "video", null, "https://f.example/7.png"));

        MastodonEvent event = event(envelope("status.created", status));
        assertThat(event.media()).extracting(m -> m.attachmentId() + " " + m.mediaType() + " " + m.fetchUrl())
                .containsExactly("1 gifv https://f.example/1.mp4", "2 video https://f.example/2.mp4",
                        "4 audio https://f.example/4-cover.png", "6 image https://origin.example/6.jpg",
                        "7 video https://f.example/7.png");
        // only a whole video file is fetched under the video byte cap
        assertThat(event.media()).extracting(MediaRef::fullVideo).containsExactly(true, true, false, false, false);
        assertThat(event.media()).allSatisfy(m -> assertThat(m.sensitive()).isTrue());
        assertThat(event.skipped()).extracting(SkippedMedia::attachmentId, SkippedMedia::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("3", "audio without a preview_url"),
                        org.assertj.core.groups.Tuple.tuple("5", "unknown without a preview_url"));
    }

    @Test
    void parses_a_report_with_the_reported_statuses_media_and_context() {
        ObjectNode report = tree("report.created.docs-example.json");
        ObjectNode reported = (ObjectNode) report.get("object").get("statuses").get(0);
        ((ArrayNode) reported.get("media_attachments")).add(attachment("8001", "image",
                "https://cache.local/8001.jpg", "https://cache.local/8001-s.jpg"));
        ((ObjectNode) report.get("object")).put("comment", "spam images");

        MastodonEvent event = event(JSON.valueToTree(report).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(event.type()).isEqualTo(EventType.REPORT_CREATED);
        assertThat(event.objectId()).isEqualTo("8437");
        assertThat(event.dedupeKey()).isEqualTo("report.created|8437|2023-10-26T13:34:00.348Z");
        assertThat(event.fromReport()).isTrue();
        assertThat(event.report()).isEqualTo(new ReportContext("8437", "violation", "spam images", true,
                java.util.List.of("2"), java.util.List.of("12345678987654321"), "123456789", "123454321",
                "cheeseperson@someothermastodonsite.com"));
        assertThat(event.media()).singleElement().satisfies(m -> {
            assertThat(m.attachmentId()).isEqualTo("8001");
            assertThat(m.statusId()).isEqualTo("12345678987654321");
            assertThat(m.accountId()).isEqualTo("123454321");
            assertThat(m.acct()).isEqualTo("cheeseperson@someothermastodonsite.com");
        });
    }

    @Test
    void parses_the_report_fixture_as_it_is() {
        MastodonEvent event = event(MastodonFixtures.bytes("report.created.docs-example.json"));
        assertThat(event.media()).isEmpty();
        assertThat(event.report().comment()).isEmpty();
        assertThat(event.report().statusIds()).containsExactly("12345678987654321");
    }

    @Test
    void keeps_no_email_or_ip_address_from_a_report() throws Exception {
        byte[] body = MastodonFixtures.bytes("report.created.docs-example.json");
        String raw = new String(body, StandardCharsets.UTF_8);
        assertThat(raw).contains("bobisaburger@emailservice.com", "12.34.56.78", "98.76.54.32");

        String kept = JSON.writeValueAsString(parser.parse(body)) + parser.parse(body);
        assertThat(kept).doesNotContain("bobisaburger@emailservice.com", "emailservice", "12.34.56.78",
                "98.76.54.32", "would love to be a member");
        assertThat(IPV4.matcher(kept).find()).as(kept).isFalse();
    }

    @Test
    void ignores_event_types_it_does_not_handle_without_reading_their_object() throws Exception {
        ObjectNode account = tree("admin-account.docs-example.json");
        for (String type : new String[]{"account.created", "account.approved", "account.updated", "report.updated",
                "status.deleted", "something.new"}) {
            WebhookParse parsed = parser.parse(envelope(type, account));
            assertThat(parsed).isEqualTo(new IgnoredEvent(type));
            String kept = JSON.writeValueAsString(parsed);
            assertThat(kept).doesNotContain("admin@mastodon.local", "192.168.42.1");
        }
        // even an ignored event with a broken object is just ignored
        assertThat(parser.parse("{\"event\":\"account.created\",\"object\":42}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new IgnoredEvent("account.created"));
    }

    @Test
    void reports_malformed_bodies_with_a_one_line_reason() {
        String[][] cases = {
                {"", "empty body"},
                {"{\"event\": \"status.created\", \"object\": {\"id\": \"1\", ", "malformed JSON at line 1, column 51"},
                {"not json at all", "malformed JSON at line 1, column 1"},
                {"[1, 2]", "the body is not a JSON object"},
                {"{}", "missing field 'event'"},
                {"{\"event\": 7}", "missing field 'event'"},
                {"{\"event\": \"status.created\"}", "missing field 'object'"},
                {"{\"event\": \"status.created\", \"object\": []}", "missing field 'object'"},
                {"{\"event\": \"status.created\", \"object\": {}}", "missing field 'object.id'"},
                {"{\"event\": \"status.updated\", \"object\": {\"id\": \"\"}}", "missing field 'object.id'"},
                {"{\"event\": \"status.created\", \"object\": {\"id\": \"1\", \"media_attachments\": {}}}",
                        "'object.media_attachments' is not a list"},
                {"{\"event\": \"status.created\", \"object\": {\"id\": \"1\", \"media_attachments\": [{\"type\": \"image\"}]}}",
                        "missing field 'object.media_attachments[0].id'"},
                {"{\"event\": \"status.created\", \"object\": {\"id\": \"1\", \"reblog\": {\"url\": \"x\"}}}",
                        "missing field 'object.reblog.id'"},
                {"{\"event\": \"report.created\", \"object\": {\"id\": \"1\", \"statuses\": [{}]}}",
                        "missing field 'object.statuses[0].id'"},
                {"{\"event\": \"report.created\", \"object\": {\"id\": \"1\", \"statuses\": \"x\"}}",
                        "'object.statuses' is not a list"},
        };
        for (String[] c : cases) {
            WebhookParse parsed = parser.parse(c[0].getBytes(StandardCharsets.UTF_8));
            assertThat(parsed).as(c[0]).isEqualTo(new MalformedEvent(c[1]));
        }
        assertThat(parser.parse(null)).isEqualTo(new MalformedEvent("empty body"));
    }

    @Test
    void does_not_quote_the_body_in_a_json_error() {
        byte[] body = "{\"event\": \"status.created\", \"secret-token-abc\": ]".getBytes(StandardCharsets.UTF_8);
        WebhookParse parsed = parser.parse(body);
        assertThat(parsed).isInstanceOfSatisfying(MalformedEvent.class, m -> {
            assertThat(m.reason()).startsWith("malformed JSON at line 1").doesNotContain("secret-token").doesNotContain("\n");
        });
    }

    @Test
    void accepts_numeric_ids_and_skips_unusable_urls() {
        String body = "{\"event\":\"status.created\",\"object\":{\"id\":42,\"media_attachments\":["
                + "{\"id\":7,\"type\":\"image\",\"url\":\"not a url\"},"
                + "{\"id\":\"8\",\"type\":\"image\",\"url\":\"/relative.png\"}]}}";
        MastodonEvent event = event(body.getBytes(StandardCharsets.UTF_8));
        assertThat(event.objectId()).isEqualTo("42");
        assertThat(event.dedupeKey()).isEqualTo("status.created|42|");
        assertThat(event.media()).isEmpty();
        assertThat(event.skipped()).extracting(SkippedMedia::attachmentId).containsExactly("7", "8");
        assertThat(event.skipped()).allSatisfy(s -> assertThat(s.reason()).isEqualTo("unusable media URL"));
    }

    @Test
    void prints_events_without_query_strings_or_report_comments() {
        ObjectNode report = tree("report.created.docs-example.json");
        ObjectNode reported = (ObjectNode) report.get("object").get("statuses").get(0);
        ((ArrayNode) reported.get("media_attachments")).add(attachment("8001", "image",
                "https://cache.local/8001.jpg?X-Amz-Signature=abcdef", null));
        ((ObjectNode) report.get("object")).put("comment", "my private words");
        MastodonEvent event = event(report.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(event.media().get(0).fetchUrl().getQuery()).isEqualTo("X-Amz-Signature=abcdef");
        assertThat(event.toString()).contains("https://cache.local/8001.jpg")
                .doesNotContain("X-Amz-Signature", "my private words");
    }
}
