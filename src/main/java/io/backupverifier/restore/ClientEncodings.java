package io.backupverifier.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A dump's declared {@code client_encoding}: psql sends the dump in it and the server converts;
 * pgjdbc speaks only UTF-8, so the restore decodes the dump in it and sends UTF-8.
 */
final class ClientEncodings {

    private ClientEncodings() {}

    /** PostgreSQL's client encoding names (those every psql client may declare) as Java charsets. */
    static Charset charsetOf(String pgName, long line) throws DumpFormatException {
        String n = pgName == null
                ? ""
                : pgName.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        String java = switch (n) {
            case "UTF8", "UNICODE", "SQLASCII", "DEFAULT" ->
                "UTF-8"; // SQL_ASCII into a UTF-8 database: bytes must be UTF-8
            case "LATIN1", "ISO88591" -> "ISO-8859-1";
            case "LATIN2", "ISO88592" -> "ISO-8859-2";
            case "LATIN3", "ISO88593" -> "ISO-8859-3";
            case "LATIN4", "ISO88594" -> "ISO-8859-4";
            case "LATIN5", "ISO88599" -> "ISO-8859-9";
            case "LATIN7", "ISO885913" -> "ISO-8859-13";
            case "LATIN9", "ISO885915" -> "ISO-8859-15";
            case "ISO88595" -> "ISO-8859-5";
            case "ISO88596" -> "ISO-8859-6";
            case "ISO88597" -> "ISO-8859-7";
            case "ISO88598" -> "ISO-8859-8";
            case "WIN866", "ALT" -> "IBM866";
            case "WIN874" -> "x-windows-874";
            case "WIN1250", "WIN1251", "WIN1252", "WIN1253", "WIN1254", "WIN1255", "WIN1256", "WIN1257", "WIN1258" ->
                "windows-" + n.substring(3);
            case "WIN" -> "windows-1251";
            case "KOI8R", "KOI8" -> "KOI8-R";
            case "KOI8U" -> "KOI8-U";
            case "EUCJP" -> "EUC-JP";
            case "EUCKR" -> "EUC-KR";
            case "EUCCN" -> "GB2312";
            default -> null; // SJIS, BIG5, GBK, UHC, GB18030: their second bytes can look like quotes
        };
        if (java == null || !Charset.isSupported(java)) {
            throw new DumpFormatException("line " + line + ": the dump's client_encoding '"
                    + DumpStatement.excerpt(String.valueOf(pgName)) + "' is not supported by the restore test");
        }
        return Charset.forName(java);
    }

    /** Copies COPY data in {@code encoding} to {@code out} as UTF-8 (what the connection speaks). */
    static void toUtf8(InputStream data, Charset encoding, OutputStream out) throws IOException {
        if (encoding == StandardCharsets.UTF_8) {
            data.transferTo(out);
            return;
        }
        Reader r = new InputStreamReader(data, encoding);
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        r.transferTo(w);
        w.flush();
    }
}
