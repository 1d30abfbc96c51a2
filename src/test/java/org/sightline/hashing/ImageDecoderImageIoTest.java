package org.sightline.hashing;

/** Every decoder test on the fallback path: ImageIO (with TwelveMonkeys) for every format. */
class ImageDecoderImageIoTest extends ImageDecoderTest {
    @Override
    NativeCodecs codecs() {
        return NativeCodecs.none();
    }
}
