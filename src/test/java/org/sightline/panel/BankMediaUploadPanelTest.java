package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;
import org.sightline.access.Role;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The bank page's known-media upload: a video becomes vpdq + video_md5 entries; a plain image is refused. */
class BankMediaUploadPanelTest {
    @TempDir
    Path dir;

    private static PanelClient.Page upload(String base, PanelClient client, String bank, byte[] file, String label) {
        String boundary = "----panel" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + client.csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\n" + label + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"m\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(URI.create(base + "/banks/" + bank + "/content"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    @Test
    void anAdminAddsAVideoFromTheBankPageAndAPlainImageIsRefusedWithItsReason() throws Exception {
        try (TestServer server = new TestServer(dir)) {
            String token = server.token("t", Scope.BANKS_WRITE, Scope.BANKS_READ);
            assertThat(server.postJson("/api/v1/banks", token, "{\"name\":\"known\"}").status()).isEqualTo(201);
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            assertThat(ada.get("/banks/known").body()).contains("id=\"add-media\"");

            FfmpegProgram ffmpeg = TestClips.ffmpeg();
            PanelClient.Page added = upload(server.base, ada, "known", ffmpeg.h264(320, 240, 25, 3), "terrorism");
            assertThat(added.status()).isEqualTo(200);
            assertThat(added.body()).contains("added vpdq (3 frames) and video_md5 as entries [1, 2]");
            assertThat(server.get("/api/v1/banks/known/entries?format=txt", token).body())
                    .startsWith("vpdq [\"").contains("\nvideo_md5 ");

            ada.get("/banks/known");
            byte[] grey = ffmpeg.make(".png", "-f", "lavfi", "-i", "color=c=gray:s=200x200", "-frames:v", "1");
            PanelClient.Page refused = upload(server.base, ada, "known", grey, "other");
            assertThat(refused.body()).contains("PDQ quality 0 is under 50");
            assertThat(server.get("/api/v1/banks/known", token).json().get("active_entries").asLong()).isEqualTo(2);
        }
    }
}
