package io.backupverifier.cli;

import io.backupverifier.config.ConfigException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: {@code backup-verifier COMMAND [OPTIONS]} (DESIGN.md section 7). */
@Command(
        name = "backup-verifier",
        mixinStandardHelpOptions = true,
        version = "backup-verifier " + JsonDocument.VERSION,
        description = "Proves that database backups are intact and restorable.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all passed (warnings allowed)", "1:something FAILED", "2:usage or configuration error"})
public final class BackupVerifierCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** The commands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
            VerifyCommand.class,
            RestoreTestCommand.class,
            ReportCommand.class,
            CheckDbCommand.class,
            CleanupCommand.class,
            RunCommand.class,
            ListCommand.class,
            CheckCommand.class,
            HistoryCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class);

    private final CliContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    BackupVerifierCli(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("[ERROR] Missing command.");
        spec.commandLine().usage(ctx.err());
        return USAGE;
    }

    public static void main(String[] args) {
        // one-shot commands keep the terminal for their verdicts; the service logs what it does
        boolean service = args.length > 0 && args[0].equals("run");
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getenv()
                        .getOrDefault("LOG_LEVEL", service ? "info" : "warn")
                        .toLowerCase());
        SqliteLibrary.use(System.getProperty(SqliteLibrary.PROPERTY));
        System.exit(execute(CliContext.system(), args));
    }

    /** Runs a command line and returns its exit code; tests call this in-process. */
    public static int execute(CliContext ctx, String... given) {
        String[] args = SeedFlags.translate(given, ctx.err());
        boolean json = Arrays.asList(args).contains("--json");
        CommandLine cli = new CommandLine(new BackupVerifierCli(ctx), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    return cls.getDeclaredConstructor(CliContext.class).newInstance(ctx);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        });
        // picocli reflects over a command's options when it adds it: a command line that starts with a command's
        // name gets only that one (what it parses is the same); anything else (help, a typo) gets them all
        for (Class<?> command : commandsFor(args)) {
            cli.addSubcommand(command);
        }
        cli.setOut(new PrintWriter(ctx.out(), true));
        cli.setErr(new PrintWriter(ctx.err(), true));
        cli.setParameterExceptionHandler((e, a) -> {
            if (json) {
                JsonDocument.error(ctx, e.getMessage(), USAGE); // --json promises one document, also for a usage error
            }
            ctx.err().println("[ERROR] " + e.getMessage());
            ctx.err().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof UsageException) {
                ctx.err().println("[ERROR] " + e.getMessage());
                return USAGE;
            }
            // a person reads this: the message says what and where; the stack trace only on request
            ctx.err()
                    .println("[ERROR] "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage().strip()));
            if ("debug".equalsIgnoreCase(ctx.env().getOrDefault("LOG_LEVEL", ""))) {
                e.printStackTrace(ctx.err());
            }
            return FAILED;
        });
        return cli.execute(args);
    }

    private static List<Class<?>> commandsFor(String[] args) {
        if (args.length > 0) {
            for (Class<?> command : COMMANDS) {
                if (command != CommandLine.HelpCommand.class
                        && command.getAnnotation(Command.class).name().equals(args[0])) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
    }
}
