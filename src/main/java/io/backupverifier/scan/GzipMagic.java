package io.backupverifier.scan;

/** The two bytes every gzip member starts with (RFC 1952: ID1 0x1f, ID2 0x8b): checked here only. */
public final class GzipMagic {

    private GzipMagic() {}

    /** Whether the first two bytes read (as {@code InputStream.read()} returns them, -1 at the end) start a gzip member. */
    public static boolean at(int b0, int b1) {
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** Whether {@code first} starts with the gzip magic. */
    public static boolean at(byte[] first) {
        return first.length >= 2 && at(first[0] & 0xff, first[1] & 0xff);
    }
}
