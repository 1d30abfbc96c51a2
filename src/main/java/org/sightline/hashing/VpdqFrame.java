package org.sightline.hashing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * One vPDQ feature: the PDQ hash of one sampled frame, its quality and its time in seconds. The text form is
 * python-threatexchange's {@code VpdqCompactFeature}: {@code "<64-hex pdq>,<quality>,<timestamp>"} with the
 * timestamp written as Python's {@code format(t, ".3")} (three significant digits: {@code 0.0}, {@code 1.5},
 * {@code 12.0}, {@code 1e+02}, {@code 1.23e+02}), so lists and banks interoperate with HMA string for string.
 */
public record VpdqFrame(PdqHash pdq, int quality, double timestamp) {

    public VpdqFrame {
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("vPDQ quality must be within 0..100");
        if (!(timestamp >= 0) || Double.isInfinite(timestamp)) {
            throw new IllegalArgumentException("vPDQ timestamp must be a non-negative number");
        }
    }

    public boolean matchable() {
        return quality >= PdqResult.MIN_MATCH_QUALITY;
    }

    public String text() {
        return pdq.hex() + "," + quality + "," + pythonThreeSignificant(timestamp);
    }

    /** The inverse of {@link #text()}; any float timestamp is accepted, as pytx does. */
    public static VpdqFrame parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) throw new IllegalArgumentException("a vPDQ frame is \"<pdq hex>,<quality>,<timestamp>\"");
        try {
            return new VpdqFrame(PdqHash.parse(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a vPDQ frame's quality and timestamp are numbers");
        }
    }

    /** Python's {@code format(x, ".3")} for a non-negative finite float. */
    static String pythonThreeSignificant(double x) {
        if (x == 0) return "0.0";
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(3, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 2) { // "at least one digit after the point" needs a 4th digit
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
            String sign = exponent < 0 ? "-" : "+";
            int e = Math.abs(exponent);
            return m + "e" + sign + (e < 10 ? "0" + e : String.valueOf(e));
        }
        BigDecimal plain = rounded.stripTrailingZeros();
        String s = plain.scale() <= 0 ? plain.toBigInteger().toString() + ".0" : plain.toPlainString();
        return s;
    }
}
