package org.sightline.hashing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every signal Sightline computes for one image: PDQ (with quality and the 8 dihedral variants), pHash,
 * dHash, and the MD5 and SHA-256 of the original bytes, plus what the header said.
 */
public record Signals(ImageFormat format, int width, int height, PdqResult pdq, long phash, long dhash,
                      String md5, String sha256) {

    /**
     * The stable JSON form (key order fixed, hex lowercase) used by the CLI and the API:
     * {@code {"format","width","height","pdq","pdq_quality","phash","dhash","md5","sha256"}}, and with
     * {@code dihedral} also {@code "pdq_dihedral": {"original": ..., "rotate90": ..., ...}}.
     */
    public Map<String, Object> toJson(boolean dihedral) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", format.label());
        json.put("width", width);
        json.put("height", height);
        json.put("pdq", pdq.hash().hex());
        json.put("pdq_quality", pdq.quality());
        json.put("phash", PerceptualHashes.hex(phash));
        json.put("dhash", PerceptualHashes.hex(dhash));
        json.put("md5", md5);
        json.put("sha256", sha256);
        if (dihedral) {
            Map<String, String> variants = new LinkedHashMap<>();
            for (Dihedral d : Dihedral.values()) variants.put(d.label(), pdq.variant(d).hex());
            json.put("pdq_dihedral", variants);
        }
        return json;
    }
}
