package org.sightline.ingest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metadata is context, never a reason to fail a scan: broken or hostile metadata in a file that decoded says
 * nothing rather than throwing.
 */
class FileMetadataReadTest {
    private static final byte[] PHOTO = Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg");

    /** The photo with one extra APP1 "Exif" segment holding {@code tiff} right after SOI. */
    private static byte[] withExifSegment(byte[] tiff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        int length = 2 + 6 + tiff.length;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(PHOTO, 2, PHOTO.length - 2);
        return out.toByteArray();
    }

    @Test
    void broken_exif_random_bytes_and_truncated_files_say_nothing_instead_of_failing() {
        // a TIFF header whose first IFD lies far past the segment, and one claiming 65535 entries in 12 bytes
        byte[] farIfd = {'M', 'M', 0, 42, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        byte[] hugeCount = {'M', 'M', 0, 42, 0, 0, 0, 8, (byte) 0xFF, (byte) 0xFF, 0, 1, 0, 2, 0, 0};
        for (byte[] hostile : new byte[][]{withExifSegment(farIfd), withExifSegment(hugeCount),
                java.util.Arrays.copyOf(PHOTO, 40), new byte[0]}) {
            FileMetadata m = FileMetadata.read(hostile);
            assertThat(m.gps()).isFalse();
            assertThat(m.c2pa()).isFalse();
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[1 + random.nextInt(4096)];
            random.nextBytes(noise);
            if (i % 2 == 0 && noise.length > 2) {
                noise[0] = (byte) 0xFF; // JPEG and PNG magic, then noise: the readers walk it
                noise[1] = (byte) 0xD8;
            }
            assertThat(FileMetadata.read(noise)).isNotNull();
        }
    }

    @Test
    void the_photos_own_metadata_is_read_and_the_coordinates_of_none_are_kept() {
        FileMetadata m = FileMetadata.read(PHOTO);
        assertThat(m.gps()).isFalse();
        assertThat(m.toJson()).containsOnlyKeys("camera", "software", "taken", "gps", "c2pa", "ai_hint");
    }
}
