package io.tessera.swift.tempurl;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address or network in CIDR form ({@code 1.2.3.4}, {@code 1.2.3.0/24}, {@code 2001:db8::/32}),
 * read strictly as Python's ip_network does: host bits set below the prefix make it invalid. Only
 * literals are accepted; nothing is ever resolved through DNS.
 */
public record IpRange(BigInteger network, int prefixLength, int bits) {

    /** The range, or null when {@code text} is not a valid literal network. */
    public static IpRange parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                return null;
            }
        }
        BigInteger value = new BigInteger(1, bytes);
        if (!value.equals(mask(value, prefix, bits))) {
            return null; // host bits set: Python's strict ip_network refuses it
        }
        return new IpRange(value, prefix, bits);
    }

    /** Whether {@code address} (a literal) lies in this range. */
    public boolean contains(String address) {
        byte[] bytes = literal(address);
        if (bytes == null || bytes.length * 8 != bits) {
            return false;
        }
        return mask(new BigInteger(1, bytes), prefixLength, bits).equals(network);
    }

    private static BigInteger mask(BigInteger value, int prefix, int bits) {
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        return value.andNot(hostMask);
    }

    /** The bytes of an IPv4 or IPv6 literal, or null: names are refused before InetAddress sees them. */
    private static byte[] literal(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        boolean v4 = s.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    return null;
                }
                int n = Integer.parseInt(parts[i]);
                if (n > 255) {
                    return null;
                }
                b[i] = (byte) n;
            }
            return b;
        }
        if (v6) {
            try {
                byte[] b = InetAddress.getByName(s).getAddress(); // a literal: no lookup happens
                return b.length == 16 ? b : null;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
