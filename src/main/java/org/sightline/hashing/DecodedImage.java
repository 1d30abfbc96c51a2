package org.sightline.hashing;

import java.awt.image.BufferedImage;

/** A decoded image at full resolution, with the format its magic bytes named. */
public record DecodedImage(ImageFormat format, BufferedImage image) {
    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
