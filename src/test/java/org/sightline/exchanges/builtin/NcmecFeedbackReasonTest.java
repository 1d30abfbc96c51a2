package org.sightline.exchanges.builtin;

import org.junit.jupiter.api.Test;
import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which of NCMEC's negative feedback reasons an opinion is sent with, against answers in NCMEC's documented shape:
 * the one named for the opinion, else none (the delivery fails, readably, and is tried again later).
 */
class NcmecFeedbackReasonTest {
    static final String ENV = "https://hashsharing-test.ncmec.org/npo";
    final List<String> puts = new ArrayList<>();

    Exchange.Feedback feedback(String opinion, String reasonsXml) {
        Exchange.Http http = (url, headers) -> url.equals(ENV + "/v2/feedback/MD5/reasons")
                ? new Exchange.Http.Response(200, reasonsXml.getBytes(StandardCharsets.UTF_8), null)
                : new Exchange.Http.Response(404, new byte[0], "HTTP 404");
        Exchange.Sender sender = (method, url, headers, type, body) -> {
            puts.add(method + " " + url + " " + new String(body, StandardCharsets.UTF_8));
            return new Exchange.Http.Response(200, new byte[0], null);
        };
        return new Exchange.Feedback(Map.of("environment", ENV), Map.of("user", "u", "password", "p"), "42-image 7",
                "md5", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", opinion, http, sender);
    }

    static String reasons(String... guidAndName) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<availableFeedbackReasons xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">");
        for (int i = 0; i < guidAndName.length; i += 2) {
            xml.append("<reason guid=\"").append(guidAndName[i]).append("\" name=\"").append(guidAndName[i + 1])
                    .append("\" type=\"MD5\"/>");
        }
        return xml.append("</availableFeedbackReasons>").toString();
    }

    @Test
    void of_several_reasons_the_one_named_for_the_opinion_is_sent_for_the_entrys_fingerprint() throws Exception {
        new Ncmec().feedback(feedback("false_positive", reasons("aaaaaaaa-0000-0000-0000-000000000001", "Not actionable",
                "bbbbbbbb-0000-0000-0000-000000000002", "False Positive")));
        assertThat(puts).containsExactly("PUT " + ENV + "/v2/entries/42/image%207/MD5/feedback <?xml version=\"1.0\""
                + " encoding=\"UTF-8\"?><feedbackSubmission xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"><negative>"
                + "<reasonIds><guid>bbbbbbbb-0000-0000-0000-000000000002</guid></reasonIds></negative></feedbackSubmission>");
    }

    @Test
    void several_reasons_none_named_for_the_opinion_send_nothing_and_say_which_there_are() {
        assertThatThrownBy(() -> new Ncmec().feedback(feedback("disputed", reasons(
                "aaaaaaaa-0000-0000-0000-000000000001", "Not actionable", "bbbbbbbb-0000-0000-0000-000000000002", "False Positive"))))
                .isInstanceOf(ExchangeException.class)
                .hasMessageContaining("2 feedback reasons for MD5").hasMessageContaining("Not actionable, False Positive");
        assertThat(puts).isEmpty();
    }
}
