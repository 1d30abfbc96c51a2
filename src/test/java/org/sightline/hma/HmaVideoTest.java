package org.sightline.hma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.MediaHasher;
import org.sightline.ingest.MediaServer;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HMA's routes with videos, on clips made at run time by the bundled FFmpeg program: hashing to {@code video_md5}
 * and {@code vpdq} in HMA's serialized form, banking a video as content, looking it up by signal, URL and upload
 * with HMA's vPDQ distance {@code "<query>%[<indexed>%]"}, comparing, and the index status and type lists.
 */
class HmaVideoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VPDQ_DISTANCE = Pattern.compile("(\\d+)%\\[(\\d+)%\\]");

    @TempDir
    static Path dir;
    static TestServer server;
    static MediaServer media;
    static HmaHttp reader, writer, matcher;
    static FfmpegProgram ffmpeg;
    static byte[] clip, trimmed, longer, other;

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer(Config.defaults().with("data.dir", dir.resolve("data"))
                .with("fetch.allow_private_addresses", true).with("ingest.workers", 0));
        media = new MediaServer();
        reader = new HmaHttp(server.base, server.token("reader", Scope.BANKS_READ));
        writer = new HmaHttp(server.base, server.token("writer", Scope.BANKS_WRITE));
        matcher = new HmaHttp(server.base, server.token("matcher", Scope.MATCH));
        ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 10);
        // seconds 3..9 re-encoded: every frame of it is in the clip, 6 of the clip's 10 are in it
        trimmed = ffmpeg.make(".mp4", "-ss", "3", "-i", temp(clip), "-t", "6", "-c:v", "libopenh264", "-b:v", "1M");
        other = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "life=size=320x240:rate=30:mold=10", "-t", "15",
                "-c:v", "libopenh264", "-b:v", "1M");
        // the clip, then 15 s of something else: all of the clip's frames are in it, but under 80 % of its own
        longer = ffmpeg.make(".mp4", "-i", temp(clip), "-i", temp(other), "-filter_complex",
                "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libopenh264", "-b:v", "2M");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (media != null) media.close();
    }

    static String temp(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "clip", ".mp4"), bytes).toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    /** The query and indexed percentages of an HMA vPDQ distance. */
    static int[] percents(String distance) {
        Matcher m = VPDQ_DISTANCE.matcher(distance);
        assertThat(m.matches()).as(distance).isTrue();
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    @Test
    void videosAreHashedBankedLookedUpAndComparedInHmaShapes() throws IOException {
        // types: video is an enabled content type with its two signal types
        JsonNode signalTypes = reader.get("/c/signal_type").json();
        assertThat(signalTypes.findValuesAsText("name")).containsExactly("pdq", "video_md5", "vpdq");
        JsonNode contentTypes = reader.get("/c/content_type").json();
        assertThat(contentTypes.toString()).isEqualTo("[{\"name\":\"photo\",\"enabled\":true},{\"name\":\"video\",\"enabled\":true}]");

        // hashing by URL with the content_type hint (the server says image/jpeg) and by upload
        String clipUrl = media.put("/clip.mp4", clip);
        HmaHttp.Answer hashed = matcher.get("/h/hash?url=" + enc(clipUrl) + "&content_type=video");
        assertThat(hashed.status()).as(hashed.body()).isEqualTo(200);
        JsonNode h = hashed.json();
        assertThat(h.fieldNames()).toIterable().containsExactly("video_md5", "vpdq");
        assertThat(h.get("video_md5").asText()).isEqualTo(MediaHasher.digest("MD5", clip));
        String vpdq = h.get("vpdq").asText();
        // HMA's serialized form: Python's json.dumps of the frame strings, ", " between them
        assertThat(vpdq).startsWith("[\"").contains("\", \"").endsWith("\"]");
        JsonNode frames = parse(vpdq);
        assertThat(frames).hasSize(10);
        assertThat(frames.get(3).asText()).matches("[0-9a-f]{64},\\d{1,3},3\\.0");
        assertThat(matcher.multipart("/h/hash", "video", clip).json()).isEqualTo(h);
        assertThat(matcher.get("/h/hash?url=" + enc(clipUrl) + "&content_type=video&types=vpdq").json().fieldNames())
                .toIterable().containsExactly("vpdq");
        assertThat(matcher.get("/h/hash?url=" + enc(clipUrl) + "&content_type=video&types=video_md5").body())
                .isEqualTo("{\"video_md5\":\"" + MediaHasher.digest("MD5", clip) + "\"}");
        HmaHttp.Answer wrongType = matcher.get("/h/hash?url=" + enc(clipUrl) + "&content_type=video&types=pdq");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.message()).isEqualTo("signal type 'pdq' doesn't exist or is disabled");
        HmaHttp.Answer notAVideo = matcher.multipart("/h/hash", "video", "not a video at all".getBytes(StandardCharsets.UTF_8));
        assertThat(notAVideo.status()).isEqualTo(400);
        assertThat(notAVideo.message()).startsWith("cannot hash the media");

        // banking the clip as content: one id, both signals in HMA's forms
        assertThat(writer.json("POST", "/c/banks", "{\"name\": \"VIDEO_BANK\", \"enabled_ratio\": \"1.0\"}").status())
                .isEqualTo(201);
        HmaHttp.Answer added = writer.multipart("/c/bank/VIDEO_BANK/content", "video", clip, "note", "known clip");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        long id = added.json().get("id").asLong();
        assertThat(added.json().get("signals")).isEqualTo(h);
        JsonNode content = reader.get("/c/bank/VIDEO_BANK/content/" + id + "?include_signals=true").json();
        assertThat(content.get("signals").get("vpdq").asText()).isEqualTo(vpdq);
        assertThat(content.get("note").asText()).isEqualTo("known clip");

        // a trimmed copy: all of its frames are in the banked clip (the query share), 6 of 10 the other way
        String trimmedVpdq = matcher.multipart("/h/hash", "video", trimmed).json().get("vpdq").asText();
        JsonNode bySignal = matcher.get("/m/lookup?signal_type=vpdq&signal=" + enc(trimmedVpdq)).json();
        assertThat(bySignal.fieldNames()).toIterable().containsExactly("VIDEO_BANK");
        JsonNode hit = bySignal.get("VIDEO_BANK").get(0);
        assertThat(hit.get("bank_content_id").asLong()).isEqualTo(id);
        int[] trimmedPercents = percents(hit.get("distance").asText());
        assertThat(trimmedPercents[0]).isEqualTo(100);
        assertThat(trimmedPercents[1]).isBetween(50, 79);

        JsonNode raw = matcher.get("/m/raw_lookup?signal_type=vpdq&include_distance=true&signal=" + enc(trimmedVpdq)).json();
        assertThat(raw.get("matches").get(0).get("bank_content_id").asLong()).isEqualTo(id);
        assertThat(raw.get("matches").get(0).get("distance").asText()).isEqualTo(hit.get("distance").asText());
        assertThat(matcher.get("/m/raw_lookup?signal_type=vpdq&signal=" + enc(trimmedVpdq)).body())
                .isEqualTo("{\"matches\":[" + id + "]}");

        // the same file by video_md5: an exact match, HMA's distance "-"
        JsonNode byMd5 = matcher.get("/m/lookup?signal_type=video_md5&signal=" + h.get("video_md5").asText()).json();
        assertThat(byMd5.get("VIDEO_BANK").get(0).get("distance").asText()).isEqualTo("-");

        // by URL: keyed by signal type
        JsonNode byUrl = matcher.get("/m/lookup?url=" + enc(clipUrl) + "&content_type=video").json();
        assertThat(byUrl.get("vpdq").get("VIDEO_BANK").get(0).get("distance").asText()).isEqualTo("100%[100%]");
        assertThat(byUrl.get("video_md5").get("VIDEO_BANK")).hasSize(1);
        assertThat(matcher.get("/m/lookup?url=" + enc(clipUrl) + "&content_type=video&signal_type=vpdq").json()
                .has("VIDEO_BANK")).isTrue();

        // by upload: the clip inside a longer video matches through the banked share (Sightline's rule, which
        // python-threatexchange's defaults would not: its query share is under 80 %)
        JsonNode byUpload = matcher.multipart("/m/lookup", "video", longer).json();
        int[] longerPercents = percents(byUpload.get("vpdq").get("VIDEO_BANK").get(0).get("distance").asText());
        assertThat(longerPercents[0]).isLessThan(80);
        assertThat(longerPercents[1]).isEqualTo(100);
        assertThat(byUpload.get("video_md5").isEmpty()).isTrue();
        // an unrelated video matches nothing
        String otherVpdq = matcher.multipart("/h/hash", "video", other).json().get("vpdq").asText();
        assertThat(matcher.get("/m/lookup?signal_type=vpdq&signal=" + enc(otherVpdq)).body()).isEqualTo("{}");
        assertThat(matcher.get("/m/lookup?signal_type=vpdq&signal=" + enc("[\"abc\"]")).message())
                .startsWith("invalid signal: vpdq frame 1");

        // compare: left is the query, right the compared video
        JsonNode compared = matcher.json("POST", "/m/compare", JSON.writeValueAsString(java.util.Map.of(
                "vpdq", List.of(trimmedVpdq, vpdq), "video_md5", List.of(h.get("video_md5").asText(),
                        h.get("video_md5").asText())))).json();
        assertThat(compared.get("vpdq").get(0).asBoolean()).isTrue();
        assertThat(compared.get("vpdq").get(1).get("query_match_percent").asDouble()).isEqualTo(100.0);
        assertThat(compared.get("vpdq").get(1).get("compared_match_percent").asDouble()).isBetween(50.0, 79.9);
        assertThat(compared.get("video_md5").toString()).isEqualTo("[true,{}]");
        JsonNode apart = matcher.json("POST", "/m/compare", JSON.writeValueAsString(java.util.Map.of(
                "vpdq", List.of(otherVpdq, vpdq)))).json();
        assertThat(apart.get("vpdq").get(0).asBoolean()).isFalse();

        // the index status names each signal type, or only the one asked for
        JsonNode status = matcher.get("/m/index/status").json();
        assertThat(status.fieldNames()).toIterable().containsExactly("pdq", "video_md5", "vpdq");
        JsonNode vpdqStatus = matcher.get("/m/index/status?signal_type=vpdq").json();
        assertThat(vpdqStatus.fieldNames()).toIterable().containsExactly("vpdq");
        assertThat(vpdqStatus.get("vpdq").get("present").asBoolean()).isTrue();
        assertThat(vpdqStatus.get("vpdq").get("size").asInt()).isEqualTo(1);

        // a retracted video no longer matches
        assertThat(writer.delete("/c/bank/VIDEO_BANK/content/" + id).json().get("deleted").asInt()).isEqualTo(1);
        assertThat(matcher.get("/m/lookup?signal_type=vpdq&signal=" + enc(trimmedVpdq)).body()).isEqualTo("{}");
    }

    @Test
    void vpdqDistancesRoundAsPythonDoesAndValuesSerializeAsHmaDoes() {
        assertThat(HmaRoutes.percent(62.5)).isEqualTo("62");
        assertThat(HmaRoutes.percent(63.5)).isEqualTo("64");
        assertThat(HmaRoutes.percent(100.0 * 2 / 3)).isEqualTo("67");
        assertThat(HmaRoutes.percent(100.0)).isEqualTo("100");
        assertThat(HmaRoutes.percent(0.0)).isEqualTo("0");
        assertThat(HmaRoutes.hmaVpdq(List.of("a,100,0.0", "b,49,1.0"))).isEqualTo("[\"a,100,0.0\", \"b,49,1.0\"]");
        assertThat(HmaRoutes.hmaVpdq(List.of())).isEqualTo("[]");
    }
}
