package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseRecord;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a file says about itself reaches the moderator as context: camera, software and time from EXIF, a
 * warning when it carries GPS coordinates (never the coordinates themselves), and a C2PA manifest; a file
 * without metadata says nothing. Through the scan API and the case page of a real server.
 */
class FileMetadataTest {
    @TempDir
    Path data;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** The test photo with EXIF camera, software, time and (when asked) a GPS position written in. */
    private static byte[] withExif(boolean gps) throws Exception {
        byte[] plain = PanelFixtures.resource(PanelFixtures.IMAGE);
        TiffOutputSet exif = new TiffOutputSet();
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_MAKE, "Canon");
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_MODEL, "Canon EOS 5D Mark IV");
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_SOFTWARE, "GIMP 2.10");
        exif.getOrCreateExifDirectory().add(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL, "2024:05:01 10:20:30");
        if (gps) exif.setGpsInDegrees(13.4050, 52.5200);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ExifRewriter().updateExifMetadataLossless(plain, out, exif);
        return out.toByteArray();
    }

    /** The test photo with a C2PA manifest's JUMBF superbox header in an APP11 segment right after SOI. */
    private static byte[] withC2pa() {
        byte[] plain = PanelFixtures.resource(PanelFixtures.IMAGE);
        ByteArrayOutputStream box = new ByteArrayOutputStream();
        box.writeBytes(new byte[]{'J', 'P', 0, 1, 0, 0, 0, 1}); // JPEG XT: common id, box instance, sequence
        box.writeBytes(new byte[]{0, 0, 0, 40, 'j', 'u', 'm', 'b', 0, 0, 0, 32, 'j', 'u', 'm', 'd'});
        box.writeBytes("c2pa".getBytes(StandardCharsets.US_ASCII)); // the manifest store's type UUID starts so
        box.writeBytes(new byte[12]);
        box.writeBytes("c2pa\0".getBytes(StandardCharsets.US_ASCII));
        byte[] payload = box.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xEB); // APP11
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xFF);
        out.writeBytes(payload);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** A PNG with the text chunk a Stable Diffusion web UI writes ("parameters": prompt and settings). */
    private static byte[] withGeneratorText() {
        byte[] png = PanelFixtures.resource("/pdq/images/misc-images/c.png");
        byte[] text = "parameters\0a photo of a bridge, Steps: 20, Sampler: Euler a".getBytes(StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + text.length);
        chunk.putInt(text.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(text);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array(), 4, 4 + text.length);
        chunk.putInt((int) crc.getValue());
        int afterHeader = 8 + 25; // signature, then IHDR (length, type, 13 bytes, CRC)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.writeBytes(chunk.array());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    private JsonNode scan(String token, byte[] image, String status) {
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\""
                + Base64.getEncoder().encodeToString(image) + "\",\"instance\":\"social\",\"status\":\"" + status + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void exif_camera_time_and_a_gps_warning_reach_the_api_and_the_case_page_without_the_coordinates() throws Exception {
        server = new TestServer(Config.defaults().with("data.dir", data).with("classifier.local.enabled", false));
        PanelFixtures.banks(server); // the photo matches a bank: every scan below opens a case
        server.deps.instances().add(new org.sightline.instances.InstanceService.NewInstance("social", "mastodon",
                "https://mastodon.example", "secret-0123456789abcdef", null, null, null, null));
        String token = server.token("scanner", Scope.SCAN);

        JsonNode located = scan(token, withExif(true), "s1");
        JsonNode file = located.get("file_metadata");
        assertThat(file.get("camera").asText()).isEqualTo("Canon EOS 5D Mark IV");
        assertThat(file.get("software").asText()).isEqualTo("GIMP 2.10");
        assertThat(file.get("taken").asText()).isEqualTo("2024-05-01 10:20:30");
        assertThat(file.get("gps").asBoolean()).isTrue();
        assertThat(file.get("c2pa").asBoolean()).isFalse();
        assertThat(located.toString()).doesNotContain("52.52").doesNotContain("13.405");

        JsonNode unlocated = scan(token, withExif(false), "s2");
        assertThat(unlocated.get("file_metadata").get("camera").asText()).isEqualTo("Canon EOS 5D Mark IV");
        assertThat(unlocated.get("file_metadata").get("gps").asBoolean()).isFalse();

        ByteArrayOutputStream stripped = new ByteArrayOutputStream();
        new ExifRewriter().removeExifMetadata(PanelFixtures.resource(PanelFixtures.IMAGE), stripped);
        JsonNode bare = scan(token, stripped.toByteArray(), "s3");
        assertThat(bare.get("file_metadata").isNull()).as("a file without metadata says nothing").isTrue();

        JsonNode credentialed = scan(token, withC2pa(), "s4");
        assertThat(credentialed.get("outcome").asText()).isEqualTo("scanned");
        assertThat(credentialed.get("file_metadata").get("c2pa").asBoolean()).isTrue();

        JsonNode generated = scan(token, withGeneratorText(), "s5");
        assertThat(generated.get("outcome").asText()).isEqualTo("scanned");
        assertThat(generated.get("file_metadata").get("ai_hint").asText()).contains("image-generator settings");

        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");
        String page = mia.get("/cases/" + caseOf(located)).body();
        assertThat(page).contains("id=\"gps-warning\"").contains("Canon EOS 5D Mark IV").contains("2024-05-01 10:20:30");
        String other = mia.get("/cases/" + caseOf(unlocated)).body();
        assertThat(other).contains("Canon EOS 5D Mark IV").doesNotContain("id=\"gps-warning\"");
        assertThat(mia.get("/cases/" + caseOf(bare)).body()).doesNotContain("id=\"file-metadata\"");
        assertThat(mia.get("/cases/" + caseOf(credentialed)).body()).contains("id=\"c2pa\"");
    }

    private long caseOf(JsonNode scan) {
        return server.deps.database().jdbi().onDemand(CaseDao.class).forMedia(scan.get("id").asLong())
                .map(CaseRecord::id).orElseThrow();
    }
}
