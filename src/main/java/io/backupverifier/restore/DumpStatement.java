package io.backupverifier.restore;

import io.backupverifier.restore.SqlTokens.Token;
import io.backupverifier.restore.SqlTokens.Type;
import io.backupverifier.scan.CopyTarget;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One statement of a dump and what a restore test does with it, decided on its tokens (never
 * on raw text: a keyword inside a string, a quoted name or a comment does not count). Knows
 * nothing of databases.
 */
final class DumpStatement {

    /** What the restorer does with a statement. */
    enum Kind {
        /** {@code SET name ...} or {@code SELECT pg_catalog.set_config(...)}: a session setting. */
        SESSION_SETTING,
        /** A timeout ({@code statement_timeout}, {@code lock_timeout} ...): the restore test's own limits stay; never sent. */
        LIMIT,
        /** {@code SET client_encoding}: the parser decodes the dump with it; never sent. */
        CLIENT_ENCODING,
        /** {@code ALTER ... OWNER TO}, {@code SET SESSION AUTHORIZATION}, {@code SECURITY LABEL}: skipped, as --no-owner. */
        OWNERSHIP,
        /** {@code GRANT}, {@code REVOKE}, {@code ALTER DEFAULT PRIVILEGES}: kept when their roles exist. */
        PRIVILEGE,
        /** {@code CREATE}/{@code DROP DATABASE} and other database-wide changes a test database cannot take. */
        DATABASE,
        /** {@code ALTER DATABASE src SET/RESET}, {@code COMMENT ON DATABASE src}, privileges on it: applied to the test database. */
        DATABASE_PROPERTY,
        /** Primary key, unique or exclusion constraint, or an index: built in parallel once its table is loaded. */
        KEY_OR_INDEX,
        /** A foreign key: built in parallel once both tables have their data and keys. */
        FOREIGN_KEY,
        /** {@code SELECT pg_catalog.setval(...)}: touches only its sequence. */
        SETVAL,
        /** {@code COPY ... FROM STDIN}: data follows. */
        COPY_FROM_STDIN,
        /** {@code COPY ... FROM/TO PROGRAM}: refused. */
        COPY_PROGRAM,
        /** Anything else: runs in the dump's order. */
        OTHER
    }

    private static final int HEAD_TOKENS = 64;
    private static final Set<String> DATA = Set.of("INSERT", "UPDATE", "DELETE", "VALUES");
    private static final Set<String> TIMEOUTS = Set.of(
            "statement_timeout",
            "lock_timeout",
            "idle_in_transaction_session_timeout",
            "idle_session_timeout",
            "transaction_timeout");
    private static final Set<String> TABLE_MODIFIERS = Set.of("GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED");
    private static final Set<String> ROW_CHANGING = Set.of(
            "INSERT",
            "UPDATE",
            "DELETE",
            "MERGE",
            "TRUNCATE",
            "COPY",
            "SELECT",
            "CALL",
            "DO",
            "WITH",
            "EXECUTE",
            "VALUES",
            "TABLE",
            "REFRESH",
            "IMPORT",
            "EXPLAIN");
    private static final Set<String> KIND_WORDS = Set.of(
            "EVENT",
            "TRIGGER",
            "TRUSTED",
            "PROCEDURAL",
            "LANGUAGE",
            "FUNCTION",
            "PROCEDURE",
            "EXTENSION",
            "PUBLICATION",
            "SUBSCRIPTION",
            "FOREIGN",
            "DATA",
            "WRAPPER",
            "SERVER",
            "TEXT",
            "SEARCH",
            "PARSER",
            "TEMPLATE",
            "ACCESS",
            "METHOD",
            "OPERATOR",
            "CLASS",
            "FAMILY",
            "AGGREGATE",
            "CONVERSION",
            "DEFAULT",
            "TYPE",
            "TABLE",
            "UNLOGGED",
            "VIEW",
            "MATERIALIZED",
            "SEQUENCE",
            "DOMAIN",
            "INDEX",
            "UNIQUE",
            "RECURSIVE",
            "TEMPORARY");

    private final String sql;
    private final List<Token> tokens;
    private final Kind kind;

    private DumpStatement(String sql, List<Token> tokens, Kind kind) {
        this.sql = sql;
        this.tokens = tokens;
        this.kind = kind;
    }

    static DumpStatement of(String sql) {
        List<Token> one = SqlTokens.of(sql, 1);
        if (!one.isEmpty() && DATA.contains(one.get(0).text())) {
            return new DumpStatement(sql, one, Kind.OTHER); // the bulk of an --inserts dump: decided by its first word
        }
        List<Token> head = SqlTokens.of(sql, HEAD_TOKENS);
        String first = head.isEmpty() ? "" : head.get(0).text();
        List<Token> all = head;
        boolean function = head.size() > 2
                && first.equals("CREATE")
                && (head.get(1).is("FUNCTION")
                        || head.size() > 3
                                && head.get(1).is("OR")
                                && head.get(3).is("FUNCTION")); // its volatility may stand late
        if ((first.equals("ALTER") || first.equals("COPY") || function) && head.size() == HEAD_TOKENS) {
            all = SqlTokens.of(sql, Integer.MAX_VALUE); // the clause deciding these may stand at the end
        }
        return new DumpStatement(sql, all, kindOf(all));
    }

    String sql() {
        return sql;
    }

    Kind kind() {
        return kind;
    }

    /** True when the statement holds no tokens (only comments). */
    boolean isEmpty() {
        return tokens.isEmpty() || tokens.size() == 1 && tokens.get(0).isSymbol(";");
    }

    boolean startsWith(String... words) {
        return matches(0, words);
    }

    private boolean matches(int at, String... words) {
        if (tokens.size() < at + words.length) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!tokens.get(at + i).is(words[i])) {
                return false;
            }
        }
        return true;
    }

    private static Kind kindOf(List<Token> t) {
        if (t.isEmpty()) {
            return Kind.OTHER;
        }
        DumpStatement s = new DumpStatement("", t, Kind.OTHER);
        String first = t.get(0).text();
        switch (first) {
            case "SET", "RESET" -> {
                if (s.startsWith("SET", "SESSION", "AUTHORIZATION")
                        || s.startsWith("RESET", "SESSION", "AUTHORIZATION")
                        || s.startsWith("SET", "ROLE")
                        || s.startsWith("RESET", "ROLE")) {
                    return Kind.OWNERSHIP;
                }
                String name = s.settingName();
                if ("client_encoding".equals(name)) {
                    return Kind.CLIENT_ENCODING;
                }
                if (TIMEOUTS.contains(name)) {
                    return Kind.LIMIT;
                }
                return first.equals("SET") ? Kind.SESSION_SETTING : Kind.OTHER;
            }
            case "SELECT" -> {
                if (s.startsWith("SELECT", "PG_CATALOG")
                        && t.size() > 3
                        && t.get(2).isSymbol(".")) {
                    if (t.get(3).is("SET_CONFIG")
                            && t.size() > 7
                            && t.get(5).type() == Type.STRING
                            && t.get(6).isSymbol(",")) {
                        if (TIMEOUTS.contains(s.settingName())) {
                            return Kind.LIMIT; // never sent
                        }
                        // replayed on every worker connection: only pg_dump's literal form, never a call of the dump's
                        // functions
                        return s.literalCall(Type.STRING) ? Kind.SESSION_SETTING : Kind.OTHER;
                    }
                    if (t.get(3).is("SETVAL") && s.literalCall(Type.NUMBER)) {
                        return Kind.SETVAL; // runs out of the dump's order
                    }
                }
                return Kind.OTHER;
            }
            case "SECURITY" -> {
                return s.startsWith("SECURITY", "LABEL") ? Kind.OWNERSHIP : Kind.OTHER;
            }
            case "GRANT", "REVOKE" -> {
                return s.onDatabase() ? Kind.DATABASE_PROPERTY : Kind.PRIVILEGE;
            }
            case "COMMENT" -> {
                return s.startsWith("COMMENT", "ON", "DATABASE") ? Kind.DATABASE_PROPERTY : Kind.OTHER;
            }
            case "CREATE", "DROP" -> {
                if (s.matches(1, "DATABASE")) {
                    return Kind.DATABASE;
                }
                return first.equals("CREATE") && s.isIndex() ? Kind.KEY_OR_INDEX : Kind.OTHER;
            }
            case "COPY" -> {
                return s.copyKind();
            }
            case "ALTER" -> {
                if (s.startsWith("ALTER", "DEFAULT", "PRIVILEGES")) {
                    return Kind.PRIVILEGE;
                }
                if (s.isOwnerTo()) {
                    return Kind.OWNERSHIP;
                }
                if (s.startsWith("ALTER", "DATABASE")) {
                    if (t.size() > 4 && (t.get(3).is("SET") || t.get(3).is("RESET"))) {
                        return TIMEOUTS.contains(s.nameAt(4)) ? Kind.LIMIT : Kind.DATABASE_PROPERTY;
                    }
                    return Kind.DATABASE;
                }
                if (s.startsWith("ALTER", "TABLE")) {
                    int c = s.addConstraintAt();
                    if (c > 0 && t.size() > c + 3) {
                        Token what = t.get(c + 3);
                        if (what.is("PRIMARY") || what.is("UNIQUE") || what.is("EXCLUDE")) {
                            return Kind.KEY_OR_INDEX;
                        }
                        if (what.is("FOREIGN")) {
                            return Kind.FOREIGN_KEY;
                        }
                    }
                }
                return Kind.OTHER;
            }
            default -> {
                return Kind.OTHER;
            }
        }
    }

    /** {@code ALTER <kind> <name> [(args)] [USING method] OWNER TO <role> [;]}: the last tokens, outside parentheses. */
    private boolean isOwnerTo() {
        int end = tokens.size();
        if (end > 0 && tokens.get(end - 1).isSymbol(";")) {
            end--;
        }
        if (end < 5) {
            return false;
        }
        Token role = tokens.get(end - 1);
        return tokens.get(end - 3).is("OWNER")
                && tokens.get(end - 2).is("TO")
                && tokens.get(end - 3).depth() == 0
                && (role.type() == Type.WORD || role.type() == Type.QUOTED);
    }

    /** The index of ADD in {@code ALTER TABLE [ONLY] name ADD CONSTRAINT c}, or -1. */
    private int addConstraintAt() {
        int i = tokens.size() > 2 && tokens.get(2).is("ONLY") ? 3 : 2;
        i = afterName(i);
        return matches(i, "ADD", "CONSTRAINT") ? i : -1;
    }

    private boolean isIndex() {
        return startsWith("CREATE", "INDEX") || startsWith("CREATE", "UNIQUE", "INDEX");
    }

    private boolean onDatabase() {
        for (Token t : tokens) {
            if (t.is("ON")) {
                int i = tokens.indexOf(t);
                return matches(i + 1, "DATABASE");
            }
        }
        return false;
    }

    private Kind copyKind() {
        boolean stdin = false;
        for (int i = 1; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.depth() == 0 && (t.is("FROM") || t.is("TO"))) {
                Token next = tokens.get(i + 1);
                if (next.is("PROGRAM")) {
                    return Kind.COPY_PROGRAM;
                }
                stdin |= t.is("FROM") && next.is("STDIN");
            }
        }
        return stdin ? Kind.COPY_FROM_STDIN : Kind.OTHER;
    }

    /** After a possibly qualified name starting at {@code i}: the index of the next token. */
    private int afterName(int i) {
        while (i < tokens.size()
                && (tokens.get(i).type() == Type.WORD || tokens.get(i).type() == Type.QUOTED)) {
            if (i + 1 < tokens.size() && tokens.get(i + 1).isSymbol(".")) {
                i += 2;
            } else {
                return i + 1;
            }
        }
        return i;
    }

    /** The possibly qualified name starting at token {@code i}, as PostgreSQL folds it ("public.t"). */
    private String nameAt(int i) {
        StringBuilder b = new StringBuilder();
        while (i < tokens.size()
                && (tokens.get(i).type() == Type.WORD || tokens.get(i).type() == Type.QUOTED)) {
            b.append(tokens.get(i).name());
            if (i + 1 < tokens.size() && tokens.get(i + 1).isSymbol(".")) {
                b.append('.');
                i += 2;
            } else {
                break;
            }
        }
        return b.toString();
    }

    /** The setting a {@code SET}/{@code RESET}/{@code set_config} statement changes, lower-cased, or null. */
    String settingName() {
        if (tokens.isEmpty()) {
            return null;
        }
        if (tokens.get(0).is("SELECT")) {
            if (tokens.size() > 5 && tokens.get(5).type() == Type.STRING) {
                String lit = tokens.get(5).text();
                return lit.substring(1, lit.length() - 1).replace("''", "'").toLowerCase(Locale.ROOT);
            }
            return null;
        }
        int i = 1;
        if (i < tokens.size() && (tokens.get(i).is("SESSION") || tokens.get(i).is("LOCAL"))) {
            i++;
        }
        return i < tokens.size() ? nameAt(i) : null;
    }

    /** The value of {@code SET name = 'value'} / {@code TO value}, unquoted, or null. */
    String settingValue() {
        for (int i = 1; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isSymbol("=") || tokens.get(i).is("TO")) {
                Token v = tokens.get(i + 1);
                String text = v.type() == Type.STRING
                        ? v.text().substring(1, v.text().length() - 1).replace("''", "'")
                        : sql.substring(v.start(), v.end());
                return text;
            }
        }
        return null;
    }

    /**
     * {@code SELECT pg_catalog.f('literal', <second>, true|false) [;]} and nothing else, as pg_dump
     * writes set_config and setval: no expression, no second call.
     */
    private boolean literalCall(Type second) {
        int n = tokens.size() - (tokens.get(tokens.size() - 1).isSymbol(";") ? 1 : 0);
        int minus =
                second == Type.NUMBER && n > 7 && tokens.get(7).isSymbol("-") ? 1 : 0; // a descending sequence's value
        return n == 11 + minus
                && tokens.get(4).isSymbol("(")
                && tokens.get(5).type() == Type.STRING
                && tokens.get(6).isSymbol(",")
                && tokens.get(7 + minus).type() == second
                && tokens.get(8 + minus).isSymbol(",")
                && (tokens.get(9 + minus).is("TRUE") || tokens.get(9 + minus).is("FALSE"))
                && tokens.get(10 + minus).isSymbol(")");
    }

    /** The table a {@code COPY} statement names, as written in the dump ({@code public.t}, {@code "S"."T"}), or null. */
    String copyTarget() {
        return startsWith("COPY") && tokens.size() > 1
                ? CopyTarget.nameAt(sql, tokens.get(1).start())
                : null;
    }

    /**
     * This {@code COPY ... FROM stdin;} with the option {@code FREEZE} ({@code ... FROM stdin (FREEZE);}),
     * or null when it already has options (or is not such a COPY).
     */
    String withFreeze() {
        int n = tokens.size();
        int last = n > 0 && tokens.get(n - 1).isSymbol(";") ? n - 1 : n;
        if (kind != Kind.COPY_FROM_STDIN
                || last < 2
                || !tokens.get(last - 1).is("STDIN")
                || !tokens.get(last - 2).is("FROM")) {
            return null;
        }
        int at = tokens.get(last - 1).end();
        return sql.substring(0, at) + " (FREEZE)" + sql.substring(at);
    }

    /**
     * True for a statement that may add, change or remove rows other than a {@code COPY ... FROM stdin}
     * (DML, a query or procedure that may call any function, a materialized view refresh): after one,
     * a COPY's own row count is no longer its table's.
     */
    boolean mayChangeRows() {
        return !tokens.isEmpty() && ROW_CHANGING.contains(tokens.get(0).text())
                || runsQuery()
                || makesWritingFunction();
    }

    /**
     * {@code CREATE [TEMP|UNLOGGED] TABLE ... AS} (its query may hold a data-modifying WITH or call
     * any function) and {@code CREATE MATERIALIZED VIEW} other than {@code WITH NO DATA} (pg_dump's).
     */
    private boolean runsQuery() {
        if (!startsWith("CREATE")) {
            return false;
        }
        int i = 1;
        while (i < tokens.size() && TABLE_MODIFIERS.contains(tokens.get(i).text())) {
            i++;
        }
        if (matches(i, "MATERIALIZED", "VIEW")) {
            int n = tokens.size() - (tokens.get(tokens.size() - 1).isSymbol(";") ? 1 : 0);
            return !(n > 3 && matches(n - 3, "WITH", "NO", "DATA"));
        }
        if (!matches(i, "TABLE")) {
            return false;
        }
        for (int j = i + 1; j < tokens.size(); j++) {
            if (tokens.get(j).depth() == 0 && tokens.get(j).is("AS")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A function that may write rows when called from any later statement (a DEFAULT, a CHECK, an
     * index expression, setval's or set_config's argument): {@code CREATE FUNCTION} without
     * {@code IMMUTABLE} or {@code STABLE} before its body (only a volatile function may run DML; a
     * non-volatile one may only call one), other than a trigger function (never callable but as a
     * trigger, which {@link #createsTrigger} covers), and {@code ALTER FUNCTION|ROUTINE ... VOLATILE}.
     * Procedures run only by CALL or DO, which count already.
     */
    private boolean makesWritingFunction() {
        if (startsWith("ALTER", "FUNCTION") || startsWith("ALTER", "ROUTINE")) {
            return tokens.stream().anyMatch(t -> t.depth() == 0 && t.is("VOLATILE"));
        }
        int i = startsWith("CREATE", "OR", "REPLACE") ? 3 : 1;
        if (!startsWith("CREATE") || !matches(i, "FUNCTION")) {
            return false;
        }
        for (int j = i + 1; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (t.depth() > 0) {
                continue;
            }
            if (t.is("BEGIN")) {
                return true; // a BEGIN ATOMIC body: its words say nothing of the volatility
            }
            if (t.is("IMMUTABLE") || t.is("STABLE")) {
                return false;
            }
            if (t.is("RETURNS")) {
                int k = matches(j + 1, "PG_CATALOG")
                                && j + 2 < tokens.size()
                                && tokens.get(j + 2).isSymbol(".")
                        ? j + 3
                        : j + 1;
                if (matches(k, "TRIGGER") || matches(k, "EVENT_TRIGGER")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True for {@code CREATE [OR REPLACE] [CONSTRAINT] TRIGGER}: a later COPY may write other rows than its own. */
    /**
     * {@code CREATE|ALTER|DROP EXTENSION [IF [NOT] EXISTS] name} or {@code COMMENT ON EXTENSION name}:
     * a statement about the extension {@code name} (lower case), not about a column of that name.
     */
    boolean namesExtension(String name) {
        int i;
        if (startsWith("COMMENT", "ON", "EXTENSION")) {
            i = 3;
        } else if (startsWith("CREATE", "EXTENSION")
                || startsWith("ALTER", "EXTENSION")
                || startsWith("DROP", "EXTENSION")) {
            i = 2;
        } else {
            return false;
        }
        if (matches(i, "IF", "NOT", "EXISTS")) {
            i += 3;
        } else if (matches(i, "IF", "EXISTS")) {
            i += 2;
        }
        return i < tokens.size() && nameAt(i).equals(name);
    }

    boolean createsTrigger() {
        return startsWith("CREATE", "TRIGGER")
                || startsWith("CREATE", "CONSTRAINT", "TRIGGER")
                || startsWith("CREATE", "OR", "REPLACE", "TRIGGER")
                || startsWith("CREATE", "OR", "REPLACE", "CONSTRAINT", "TRIGGER");
    }

    /**
     * A foreign key as pg_dump writes it, in two statements that make the same constraint: added
     * {@code NOT VALID} (catalog only: a moment's lock on both tables), then validated (the scan
     * of every row, which locks only the referencing table against writes and the referenced one
     * with ROW SHARE, so that foreign keys to one table are validated side by side).
     *
     * @param notValid the statement with {@code NOT VALID} appended
     * @param validate {@code ALTER TABLE [ONLY] t VALIDATE CONSTRAINT c}
     * @param table    the referencing table, as {@link #tables()} names it
     */
    record ValidatedLater(String notValid, String validate, String table) {}

    /**
     * This foreign key split as {@link ValidatedLater}; empty for anything else: another kind, a
     * key the dump itself leaves {@code NOT VALID} (it must stay so) or {@code NOT ENFORCED} (never validated), more
     * than one subcommand.
     */
    Optional<ValidatedLater> validatedLater() {
        int add = kind == Kind.FOREIGN_KEY ? addConstraintAt() : -1;
        int end = tokens.size() - (tokens.get(tokens.size() - 1).isSymbol(";") ? 1 : 0);
        if (add < 0 || end < add + 4) {
            return Optional.empty();
        }
        Token name = tokens.get(add + 2);
        if (!(name.type() == Type.WORD || name.type() == Type.QUOTED)
                || !tokens.get(add + 3).is("FOREIGN")) {
            return Optional.empty();
        }
        for (int i = add; i < end; i++) {
            Token t = tokens.get(i);
            if (t.depth() == 0 && t.isSymbol(",")
                    || (t.is("VALID") || t.is("ENFORCED"))
                            && i > 0
                            && tokens.get(i - 1).is("NOT")
                    || t.isSymbol(";")) {
                return Optional.empty();
            }
        }
        int table = tokens.get(2).is("ONLY") ? 3 : 2;
        return Optional.of(new ValidatedLater(
                sql.substring(0, tokens.get(end - 1).end()) + " NOT VALID;",
                sql.substring(0, tokens.get(add).start()) + "VALIDATE CONSTRAINT "
                        + sql.substring(name.start(), name.end()) + ";",
                nameAt(table)));
    }

    /** The tables a COPY, index, key or foreign key statement works on (to keep two jobs off one table). */
    Set<String> tables() {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean tableFollows = i == 0 && t.is("COPY")
                    || t.is("TABLE") && i > 0 && tokens.get(i - 1).is("ALTER")
                    || t.is("REFERENCES")
                    || t.is("ON") && isIndex() && t.depth() == 0;
            if (tableFollows) {
                int j = i + 1;
                if (j < tokens.size() && tokens.get(j).is("ONLY")) {
                    j++;
                }
                String name = nameAt(j);
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** The database a {@code DATABASE_PROPERTY} statement names: the token index of its name, or -1. */
    int databaseNameAt() {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).is("DATABASE")) {
                Token n = tokens.get(i + 1);
                return n.type() == Type.WORD || n.type() == Type.QUOTED ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** The statement with the database it names replaced by {@code quotedName}. */
    Optional<String> onDatabase(String quotedName) {
        int at = databaseNameAt();
        if (at < 0) {
            return Optional.empty();
        }
        Token n = tokens.get(at);
        return Optional.of(sql.substring(0, n.start()) + quotedName + sql.substring(n.end()));
    }

    /**
     * True for statements only a superuser may run, whatever the database owner may do: event
     * triggers, languages, functions in C or other untrusted languages, extensions, publications
     * for all tables, subscriptions, foreign-data wrappers, parsers, templates, access methods,
     * operator classes and families, base types (shell types too), and database settings reserved to superusers.
     */
    boolean mayNeedSuperuser() {
        int i = startsWith("CREATE", "OR", "REPLACE") ? 3 : 1;
        if (startsWith("COMMENT", "ON")) {
            i = 2;
        } else if (!(startsWith("CREATE") || startsWith("ALTER") || startsWith("DROP"))) {
            return false;
        }
        if (matches(i, "TRUSTED")) {
            i++;
        }
        if (matches(i, "PROCEDURAL")) {
            i++;
        }
        return matches(i, "EVENT", "TRIGGER")
                || matches(i, "LANGUAGE")
                || matches(i, "FUNCTION")
                || matches(i, "PROCEDURE")
                || matches(i, "EXTENSION")
                || matches(i, "PUBLICATION")
                || matches(i, "SUBSCRIPTION")
                || matches(i, "FOREIGN", "DATA", "WRAPPER")
                || matches(i, "SERVER")
                || matches(i, "USER", "MAPPING")
                || matches(i, "TEXT", "SEARCH", "PARSER")
                || matches(i, "TEXT", "SEARCH", "TEMPLATE")
                || matches(i, "ACCESS", "METHOD")
                || matches(i, "OPERATOR", "CLASS")
                || matches(i, "OPERATOR", "FAMILY")
                || matches(i, "CAST")
                || matches(i, "TRANSFORM")
                || matches(i, "AGGREGATE")
                || matches(i, "DATABASE")
                || matches(i, "CONVERSION")
                || matches(i, "TYPE");
    }

    /**
     * True for {@code CREATE AGGREGATE ... (STYPE = internal ...)}: only a superuser may declare an
     * aggregate whose state is {@code internal}; others get SQLSTATE 42P13, not 42501.
     */
    boolean hasInternalState() {
        if (!(startsWith("CREATE", "AGGREGATE") || startsWith("CREATE", "OR", "REPLACE", "AGGREGATE"))) {
            return false;
        }
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if ((tokens.get(i).is("STYPE") || tokens.get(i).is("MSTYPE"))
                    && tokens.get(i + 1).isSymbol("=")
                    && (tokens.get(i + 2).is("INTERNAL")
                            || tokens.get(i + 2).is("PG_CATALOG")
                                    && i + 4 < tokens.size()
                                    && tokens.get(i + 4).is("INTERNAL"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name a superuser-only statement creates ("log_ddl", "public.c_add"), for recognising the
     * statements about it that follow (its comment, its owner); null when it creates nothing by name.
     */
    String createdName() {
        if (!startsWith("CREATE")) {
            return null;
        }
        int i = startsWith("CREATE", "OR", "REPLACE") ? 3 : 1;
        while (i < tokens.size()
                && tokens.get(i).type() == Type.WORD
                && KIND_WORDS.contains(tokens.get(i).text())) {
            i++;
        }
        if (matches(i, "IF", "NOT", "EXISTS")) {
            i += 3;
        }
        String name = i < tokens.size() ? nameAt(i) : "";
        return name.isEmpty() ? null : name;
    }

    /** True when the statement names {@code name} (as {@link #createdName()} gives it) outside literals. */
    boolean mentions(String name) {
        for (int i = 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean startsName = (t.type() == Type.WORD || t.type() == Type.QUOTED)
                    && !tokens.get(i - 1).isSymbol(".");
            if (startsName && nameAt(i).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** At most about 80 characters of the statement, on one line, control characters escaped: for messages. */
    String excerpt() {
        return excerpt(sql);
    }

    static String excerpt(String sql) {
        String s = sql.strip();
        int nl = s.indexOf('\n');
        boolean cut = false;
        if (nl >= 0) {
            s = s.substring(0, nl).strip();
            cut = true;
        }
        if (s.length() > 80) {
            s = s.substring(0, 77);
            cut = true;
        }
        return cut ? escape(s) + " ..." : escape(s);
    }

    /** Control characters as {@code \xNN}: text from a dump never forges a line in a log or terminal. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || cp >= 0x80 && cp < 0xa0 || cp == 0x2028 || cp == 0x2029) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
