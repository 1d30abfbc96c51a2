package org.sightline.boot;

import org.sightline.actions.ActionSettings;
import org.sightline.banks.BankSettings;
import org.sightline.config.Config;
import org.sightline.config.KnownKeys;
import org.sightline.config.Setting;
import org.sightline.config.SharedSettings;
import org.sightline.federation.ListSettings;
import org.sightline.review.RetentionSettings;
import org.sightline.fetch.FetchSettings;
import org.sightline.exchanges.ExchangeSettings;
import org.sightline.hma.HmaSettings;
import org.sightline.ingest.IngestSettings;
import org.sightline.ingest.ClassifierSettings;
import org.sightline.decide.DecideSettings;
import org.sightline.ingest.misskey.MisskeySettings;
import org.sightline.store.DbSettings;
import org.sightline.web.HttpSettings;
import org.sightline.web.PanelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Every feature's declared keys in one registry: what a configuration may contain. */
public final class AllSettings {
    private static final Logger log = LoggerFactory.getLogger(AllSettings.class);

    private AllSettings() {
    }

    /** Built afresh on each call from the features' immutable key lists. */
    public static KnownKeys known() {
        List<Setting<?>> all = new ArrayList<>();
        all.addAll(SharedSettings.KEYS);
        all.addAll(org.sightline.hashing.VideoSettings.KEYS);
        all.addAll(HttpSettings.KEYS);
        all.addAll(PanelSettings.KEYS);
        all.addAll(DbSettings.KEYS);
        all.addAll(FetchSettings.KEYS);
        all.addAll(IngestSettings.KEYS);
        all.addAll(ClassifierSettings.KEYS);
        all.addAll(DecideSettings.KEYS);
        all.addAll(MisskeySettings.KEYS);
        all.addAll(org.sightline.ingest.follow.FollowSettings.KEYS);
        all.addAll(ActionSettings.KEYS);
        all.addAll(BankSettings.KEYS);
        all.addAll(ListSettings.KEYS);
        all.addAll(HmaSettings.KEYS);
        all.addAll(ExchangeSettings.KEYS);
        all.addAll(org.sightline.feedback.FeedbackSettings.KEYS);
        all.addAll(RetentionSettings.KEYS);
        all.addAll(org.sightline.dsa.DsaSettings.KEYS);
        return new KnownKeys(all, List.of(ActionSettings.PLUGIN_PREFIX));
    }

    /**
     * Warns of every key in the configuration that nothing reads (a typo would silently keep the default), and
     * returns the warnings. Start goes on: an unknown key is not worth refusing to moderate over.
     */
    public static List<String> reportUnknownKeys(Config config) {
        List<String> problems = known().unknownKeys(config);
        for (String problem : problems) log.warn("event=config_unknown_key {}", problem);
        return problems;
    }
}
