-- Plugin settings an admin changed on the settings page. They override the configuration file and the
-- environment (plugins.<name>.<field>); deleting a row goes back to the configuration. An empty value means
-- "unset". Secret values are sealed with the data directory's key, bound to plugin and field.
CREATE TABLE plugin_settings (
    plugin      VARCHAR(100)  NOT NULL,
    field       VARCHAR(100)  NOT NULL,
    setting_value VARCHAR(8000) NOT NULL,
    sealed      BOOLEAN       NOT NULL,
    updated_by  VARCHAR(200)  NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT plugin_settings_pk PRIMARY KEY (plugin, field)
);
