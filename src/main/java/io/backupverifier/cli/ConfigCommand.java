package io.backupverifier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.config.ConfigNotice;
import io.backupverifier.config.Setting;
import io.backupverifier.config.SettingType;
import io.backupverifier.config.Settings;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;

/** {@code config}: the effective configuration, where each value came from, secrets masked. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "The effective configuration: each key (environment variable and property), its value and where it "
                    + "came from (default, application.properties, .env, environment, command line). Passwords are masked. "
                    + "Unknown keys and converted values are listed at the end."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the configuration loads", "2:a value is refused (the message names the key)"})
final class ConfigCommand extends OperatorCommand {

    static final String MASK = "********";
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*(@)");

    ConfigCommand(CliContext ctx) {
        super(ctx);
    }

    /**
     * Whether a key holds a secret, whose value is never printed: a setting of type
     * {@link SettingType#SECRET}; one of Camel's own keys (no type here) whose name says password or secret.
     */
    static boolean secret(String key) {
        return Settings.setting(key).map(Setting::secret).orElseGet(() -> {
            String name = key.toLowerCase(Locale.ROOT);
            return name.contains("password") || name.contains("secret");
        });
    }

    /** The value as it may be shown: secrets masked, a password inside a JDBC URL too. */
    static String shown(String key, String value) {
        if (secret(key)) {
            return value.isEmpty() ? "" : MASK;
        }
        if (Settings.setting(key).filter(s -> s.type() == SettingType.JDBC_URL).isPresent()) {
            return URL_USERINFO
                    .matcher(URL_PASSWORD.matcher(value).replaceAll("$1" + MASK))
                    .replaceAll("$1" + MASK + "$2");
        }
        return value;
    }

    @Override
    int run() throws Exception {
        Settings settings = common.load(ctx);
        String file = (common.config != null ? common.config : ctx.defaultConfigFile())
                .toAbsolutePath()
                .toString();
        if (json()) {
            ObjectNode root = JsonDocument.start(ctx);
            root.put("config_file", file);
            ObjectNode all = root.putObject("settings");
            for (Setting s : Settings.ALL) {
                all.putObject(s.env())
                        .put("property", s.property())
                        .put("value", shown(s.property(), settings.get(s.property())))
                        .put("source", settings.source(s.property()))
                        .put("secret", secret(s.property()))
                        .put("description", s.description());
            }
            ObjectNode camel = root.putObject("camel");
            for (String k : settings.camelKeys()) {
                camel.putObject(k)
                        .put("value", shown(k, settings.get(k)))
                        .put("source", settings.source(k))
                        .put("secret", secret(k));
            }
            ArrayNode notices = root.putArray("notices");
            for (ConfigNotice n : settings.notices()) {
                notices.addObject().put("level", n.level()).put("key", n.key()).put("message", n.message());
            }
            JsonDocument.print(ctx, root);
            return BackupVerifierCli.OK;
        }
        ctx.out().println("Configuration file: " + file);
        String format = "%-28s %-40s %s%n";
        ctx.out().printf(format, "KEY", "VALUE", "FROM");
        for (Setting s : Settings.ALL) {
            ctx.out()
                    .printf(
                            format,
                            s.env(),
                            shown(s.property(), settings.get(s.property())),
                            settings.source(s.property()));
        }
        for (String k : settings.camelKeys()) {
            ctx.out().printf(format, k, shown(k, settings.get(k)), settings.source(k));
        }
        settings.notices().forEach(n -> ctx.out().println(n.line()));
        return BackupVerifierCli.OK;
    }
}
