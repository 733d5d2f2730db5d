package io.tessera.swift.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header values cross the wire as bytes; Jetty hands them to us as ISO-8859-1 text (one char per
 * byte). Swift clients send UTF-8 there (metadata, copy sources), so values are decoded as UTF-8
 * once on the way in (kept as they are when they are not valid UTF-8), and encoded back to the same
 * bytes on the way out. Everything in between, limits included, sees real text.
 */
public final class HeaderText {
    private HeaderText() {
    }

    public static String fromWire(String latin1) {
        if (latin1 == null || isAscii(latin1)) {
            return latin1;
        }
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return latin1;
        }
    }

    public static String toWire(String text) {
        if (text == null || isAscii(text)) {
            return text;
        }
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
