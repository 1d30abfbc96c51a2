package org.sightline.cli;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The photos the benches run on: the bundled bridge photo at a chosen size, or the files of a directory. */
final class BenchPhotos {
    private BenchPhotos() {
    }

    /** A file of a directory, by name, with its bytes. */
    record File(String name, byte[] bytes) {
    }

    /** The regular files of {@code dir}, sorted by name (the caller skips what it cannot decode). */
    static List<File> files(Path dir) throws IOException {
        List<File> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f)) out.add(new File(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        }
        return out;
    }

    /** The bundled bridge photo resized (bicubic) to about {@code megapixels}. */
    static BufferedImage bridge(double megapixels) throws IOException {
        BufferedImage source;
        try (InputStream in = BenchPhotos.class.getResourceAsStream("/bench/bridge.jpg")) {
            source = ImageIO.read(in);
        }
        double scale = Math.sqrt(megapixels * 1e6 / (source.getWidth() * (double) source.getHeight()));
        int w = (int) Math.round(source.getWidth() * scale);
        int h = (int) Math.round(source.getHeight() * scale);
        BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        return resized;
    }
}
