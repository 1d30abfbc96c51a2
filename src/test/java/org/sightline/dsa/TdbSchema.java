package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The EU Transparency Database's validation of {@code POST /api/v1/statement}, written from its source
 * (digital-services-act/transparency-database: {@code app/Http/Requests/StatementStoreRequest.php} for the rules,
 * {@code app/Models/Statement.php} for the enumerations), independently of Sightline's own constants: the
 * statements Sightline exports must pass it.
 */
final class TdbSchema {
    static final Set<String> DECISION_VISIBILITIES = Set.of("DECISION_VISIBILITY_CONTENT_REMOVED",
            "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
            "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
            "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER");
    static final Set<String> DECISION_MONETARIES = Set.of("DECISION_MONETARY_SUSPENSION",
            "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER");
    static final Set<String> DECISION_PROVISIONS = Set.of("DECISION_PROVISION_PARTIAL_SUSPENSION",
            "DECISION_PROVISION_TOTAL_SUSPENSION", "DECISION_PROVISION_PARTIAL_TERMINATION",
            "DECISION_PROVISION_TOTAL_TERMINATION");
    static final Set<String> DECISION_ACCOUNTS = Set.of("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED");
    static final Set<String> DECISION_GROUNDS = Set.of("DECISION_GROUND_ILLEGAL_CONTENT",
            "DECISION_GROUND_INCOMPATIBLE_CONTENT");
    static final Set<String> CONTENT_TYPES = Set.of("CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE",
            "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO",
            "CONTENT_TYPE_OTHER");
    static final Set<String> CATEGORIES = Set.of("STATEMENT_CATEGORY_ANIMAL_WELFARE",
            "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "STATEMENT_CATEGORY_CYBER_VIOLENCE",
            "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            "STATEMENT_CATEGORY_VIOLENCE");
    /** The database's keywords ({@code Statement::KEYWORDS}). */
    static final Set<String> KEYWORDS = Set.of(
            "KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
            "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS", "KEYWORD_ANIMAL_HARM", "KEYWORD_BIOMETRIC_DATA_BREACH",
            "KEYWORD_BULLYING_AGAINST_GIRLS", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
            "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE", "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
            "KEYWORD_COORDINATED_HARM", "KEYWORD_COPYRIGHT_INFRINGEMENT", "KEYWORD_CYBER_BULLYING_INTIMIDATION",
            "KEYWORD_CYBER_HARASSMENT", "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN", "KEYWORD_CYBER_INCITEMENT",
            "KEYWORD_CYBER_STALKING", "KEYWORD_CYBER_STALKING_AGAINST_WOMEN", "KEYWORD_DATA_FALSIFICATION",
            "KEYWORD_DEFAMATION", "KEYWORD_DESIGN_INFRINGEMENT", "KEYWORD_DISCRIMINATION",
            "KEYWORD_FEMALE_GENDERED_DISINFORMATION", "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
            "KEYWORD_GEOGRAPHICAL_REQUIREMENTS", "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
            "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS", "KEYWORD_HATE_SPEECH", "KEYWORD_HIDDEN_ADVERTISEMENT",
            "KEYWORD_HUMAN_EXPLOITATION", "KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_ILLEGAL_ORGANIZATIONS",
            "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS",
            "KEYWORD_INAUTHENTIC_LISTINGS", "KEYWORD_INAUTHENTIC_USER_REVIEWS", "KEYWORD_INCITEMENT_AGAINST_WOMEN",
            "KEYWORD_INCITEMENT_VIOLENCE_HATRED", "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
            "KEYWORD_LANGUAGE_REQUIREMENTS", "KEYWORD_MISINFORMATION_DISINFORMATION",
            "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS", "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
            "KEYWORD_MISSING_PROCESSING_GROUND", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
            "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN", "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
            "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN", "KEYWORD_NONCOMPLIANCE_PRICING",
            "KEYWORD_NUDITY", "KEYWORD_PATENT_INFRINGEMENT", "KEYWORD_PHISHING", "KEYWORD_PROHIBITED_PRODUCTS",
            "KEYWORD_PYRAMID_SCHEMES", "KEYWORD_RIGHT_TO_BE_FORGOTTEN", "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
            "KEYWORD_RISK_PUBLIC_HEALTH", "KEYWORD_SELF_MUTILATION", "KEYWORD_STALKING", "KEYWORD_SUICIDE",
            "KEYWORD_TERRORIST_CONTENT", "KEYWORD_TRADE_SECRET_INFRINGEMENT", "KEYWORD_TRADEMARK_INFRINGEMENT",
            "KEYWORD_TRAFFICKING_WOMEN_GIRLS", "KEYWORD_UNLAWFUL_SALE_ANIMALS", "KEYWORD_UNSAFE_CHALLENGES",
            "KEYWORD_UNSAFE_PRODUCTS", "KEYWORD_VIOLATION_EU_LAW", "KEYWORD_VIOLATION_NATIONAL_LAW", "KEYWORD_OTHER");
    static final Set<String> SOURCE_TYPES = Set.of("SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER",
            "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY");
    static final Set<String> AUTOMATED_DETECTIONS = Set.of("Yes", "No");
    static final Set<String> AUTOMATED_DECISIONS = Set.of("AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
            "AUTOMATED_DECISION_NOT_AUTOMATED");

    private TdbSchema() {
    }

    /** The rule violations of one statement; empty when the database would accept it. */
    static List<String> violations(JsonNode s) {
        List<String> out = new ArrayList<>();
        boolean anyDecision = false;
        if (present(s, "decision_visibility")) {
            anyDecision = true;
            if (!s.get("decision_visibility").isArray()) out.add("decision_visibility must be an array");
            else for (JsonNode v : s.get("decision_visibility")) in(out, "decision_visibility", v, DECISION_VISIBILITIES);
            for (JsonNode v : s.get("decision_visibility")) {
                if (v.asText().equals("DECISION_VISIBILITY_OTHER") && !present(s, "decision_visibility_other")) {
                    out.add("decision_visibility_other is required");
                }
            }
        }
        if (present(s, "decision_monetary")) {
            anyDecision = true;
            in(out, "decision_monetary", s.get("decision_monetary"), DECISION_MONETARIES);
        }
        if (present(s, "decision_provision")) {
            anyDecision = true;
            in(out, "decision_provision", s.get("decision_provision"), DECISION_PROVISIONS);
        }
        if (present(s, "decision_account")) {
            anyDecision = true;
            in(out, "decision_account", s.get("decision_account"), DECISION_ACCOUNTS);
        }
        if (!anyDecision) out.add("one of decision_visibility, decision_monetary, decision_provision, decision_account is required");
        String ground = required(out, s, "decision_ground");
        if (ground != null) {
            in(out, "decision_ground", s.get("decision_ground"), DECISION_GROUNDS);
            if (ground.equals("DECISION_GROUND_ILLEGAL_CONTENT")) {
                maxRequired(out, s, "illegal_content_legal_ground", 500);
                maxRequired(out, s, "illegal_content_explanation", 2000);
                if (present(s, "incompatible_content_ground")) out.add("incompatible_content_ground is excluded");
            } else {
                maxRequired(out, s, "incompatible_content_ground", 500);
                maxRequired(out, s, "incompatible_content_explanation", 2000);
                if (present(s, "illegal_content_legal_ground")) out.add("illegal_content_legal_ground is excluded");
            }
        }
        if (!present(s, "content_type") || !s.get("content_type").isArray() || s.get("content_type").isEmpty()) {
            out.add("content_type is required (an array)");
        } else {
            for (JsonNode v : s.get("content_type")) in(out, "content_type", v, CONTENT_TYPES);
        }
        if (required(out, s, "category") != null) in(out, "category", s.get("category"), CATEGORIES);
        if (present(s, "category_specification")) {
            if (!s.get("category_specification").isArray()) out.add("category_specification must be an array");
            else for (JsonNode v : s.get("category_specification")) in(out, "category_specification", v, KEYWORDS);
        }
        date(out, s, "content_date", true, LocalDate.of(2000, 1, 1));
        date(out, s, "application_date", true, LocalDate.of(2020, 1, 1));
        for (String end : List.of("end_date_account_restriction", "end_date_monetary_restriction",
                "end_date_service_restriction", "end_date_visibility_restriction")) {
            date(out, s, end, false, LocalDate.of(1900, 1, 1));
        }
        maxRequired(out, s, "decision_facts", 5000);
        if (required(out, s, "source_type") != null) in(out, "source_type", s.get("source_type"), SOURCE_TYPES);
        if (required(out, s, "automated_detection") != null) {
            in(out, "automated_detection", s.get("automated_detection"), AUTOMATED_DETECTIONS);
        }
        if (required(out, s, "automated_decision") != null) {
            in(out, "automated_decision", s.get("automated_decision"), AUTOMATED_DECISIONS);
        }
        String puid = required(out, s, "puid");
        if (puid != null && (puid.length() > 500 || !puid.matches("^[a-zA-Z0-9-_]+$"))) out.add("puid format is invalid");
        return out;
    }

    private static boolean present(JsonNode s, String f) {
        return s.has(f) && !s.get(f).isNull();
    }

    private static String required(List<String> out, JsonNode s, String f) {
        if (!present(s, f) || s.get(f).asText().isEmpty()) {
            out.add(f + " is required");
            return null;
        }
        return s.get(f).asText();
    }

    private static void maxRequired(List<String> out, JsonNode s, String f, int max) {
        String v = required(out, s, f);
        if (v != null && v.length() > max) out.add(f + " is longer than " + max);
    }

    private static void in(List<String> out, String f, JsonNode v, Set<String> allowed) {
        if (!v.isTextual() || !allowed.contains(v.asText())) out.add(f + " has a value outside its enumeration: " + v);
    }

    private static void date(List<String> out, JsonNode s, String f, boolean required, LocalDate after) {
        if (!present(s, f)) {
            if (required) out.add(f + " is required");
            return;
        }
        String v = s.get(f).asText();
        if (!v.matches("\\d{4}-\\d{2}-\\d{2}")) {
            out.add(f + " does not match YYYY-MM-DD");
            return;
        }
        try {
            LocalDate d = LocalDate.parse(v);
            if (d.isBefore(after) || d.isAfter(LocalDate.of(2038, 1, 1))) out.add(f + " is out of range");
        } catch (DateTimeParseException e) {
            out.add(f + " is not a date");
        }
    }
}
