/**
 * The derivatives kept instead of the original image: a blurred greyscale preview for the queue and an
 * un-blurred reveal for the audited reveal, both made by {@link org.sightline.ingest.preview.PreviewRenderer}.
 */
package org.sightline.ingest.preview;
