package org.sightline.dsa;

import java.util.List;
import java.util.Set;

/**
 * The EU Transparency Database's vocabulary (digital-services-act/transparency-database,
 * {@code app/Models/Statement.php} and {@code app/Http/Requests/StatementStoreRequest.php}): the enumerated
 * values a statement of reasons may carry, as the database's API takes them (the constant names).
 */
public final class Tdb {
    private Tdb() {
    }

    public static final String VISIBILITY_REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED";
    public static final String VISIBILITY_DISABLED = "DECISION_VISIBILITY_CONTENT_DISABLED";
    public static final String VISIBILITY_DEMOTED = "DECISION_VISIBILITY_CONTENT_DEMOTED";
    public static final String VISIBILITY_LABELLED = "DECISION_VISIBILITY_CONTENT_LABELLED";
    public static final String ACCOUNT_SUSPENDED = "DECISION_ACCOUNT_SUSPENDED";
    public static final String PROVISION_PARTIAL_SUSPENSION = "DECISION_PROVISION_PARTIAL_SUSPENSION";
    public static final String PROVISION_TOTAL_SUSPENSION = "DECISION_PROVISION_TOTAL_SUSPENSION";
    public static final String GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT";
    public static final String GROUND_INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
    public static final String CONTENT_IMAGE = "CONTENT_TYPE_IMAGE";
    public static final String CONTENT_VIDEO = "CONTENT_TYPE_VIDEO";
    public static final String SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16";
    public static final String SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY";
    public static final String DETECTION_YES = "Yes";
    public static final String DETECTION_NO = "No";
    public static final String DECISION_FULLY = "AUTOMATED_DECISION_FULLY";
    public static final String DECISION_PARTIALLY = "AUTOMATED_DECISION_PARTIALLY";
    public static final String DECISION_NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED";
    public static final String OTHER_VIOLATION = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC";

    public static final Set<String> CATEGORIES = Set.of("STATEMENT_CATEGORY_ANIMAL_WELFARE",
            "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "STATEMENT_CATEGORY_CYBER_VIOLENCE",
            "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
            OTHER_VIOLATION, "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
            "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE");

    /** The keywords Sightline's default mapping uses, and the others a configuration may name. */
    public static final Set<String> KEYWORDS = Set.of("KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
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
            "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_INAUTHENTIC_LISTINGS",
            "KEYWORD_INAUTHENTIC_USER_REVIEWS", "KEYWORD_INCITEMENT_AGAINST_WOMEN",
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

    /** Sightline's labels mapped to the database's categories (documented defaults; {@code dsa.categories}). */
    public static final String DEFAULT_CATEGORIES = "csam=STATEMENT_CATEGORY_PROTECTION_OF_MINORS:KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL,"
            + "ncii=STATEMENT_CATEGORY_CYBER_VIOLENCE:KEYWORD_NON_CONSENSUAL_IMAGE_SHARING,"
            + "terrorism=STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY:KEYWORD_TERRORIST_CONTENT,"
            + "graphic_violence=STATEMENT_CATEGORY_VIOLENCE,"
            + "hate_symbol=STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH:KEYWORD_HATE_SPEECH,"
            + "sexual=STATEMENT_CATEGORY_OTHER_VIOLATION_TC:KEYWORD_ADULT_SEXUAL_MATERIAL,"
            + "spam=STATEMENT_CATEGORY_SCAMS_AND_FRAUD,"
            + "privacy=STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS,"
            + "copyright=STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS:KEYWORD_COPYRIGHT_INFRINGEMENT,"
            + "other=STATEMENT_CATEGORY_OTHER_VIOLATION_TC";

    /** A category and its optional keyword ({@code category_specification}). */
    public record Category(String category, String keyword) {
    }

    /** The decision groups of one restriction: visibility (a list), account and provision (single values). */
    public record Groups(List<String> visibility, String account, String provision) {
    }

    /**
     * What a restriction is in the database's terms: marking sensitive labels content, a delete or a refused
     * upload removes it, a quarantine disables access, an account's media forced sensitive is a partial
     * suspension of the service, a silence demotes its content, a suspension suspends the account.
     */
    public static Groups groups(String action, String type) {
        return switch (action) {
            case "mark_sensitive" -> new Groups(List.of(VISIBILITY_LABELLED), null, null);
            case "delete", "reject" -> new Groups(List.of(VISIBILITY_REMOVED), null, null);
            case "quarantine" -> new Groups(List.of(VISIBILITY_DISABLED), null, null);
            case "account_action" -> switch (type == null ? "" : type) {
                case "sensitive" -> new Groups(List.of(VISIBILITY_LABELLED), null, PROVISION_PARTIAL_SUSPENSION);
                case "silence" -> new Groups(List.of(VISIBILITY_DEMOTED), null, PROVISION_PARTIAL_SUSPENSION);
                case "suspend" -> new Groups(List.of(), ACCOUNT_SUSPENDED, PROVISION_TOTAL_SUSPENSION);
                default -> null;
            };
            default -> null; // a report, a webhook: no restriction of the person
        };
    }
}
