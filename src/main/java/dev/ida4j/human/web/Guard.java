package dev.ida4j.human.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every request passes before any route runs, in this order: the Host header must name this server
 * (403; defeats DNS rebinding), an Origin header, when present, must be this server's own (403; defeats cross-site
 * requests), and the secret token must be given (401). The token is 256 random bits from {@link SecureRandom},
 * compared in constant time.
 */
final class Guard {
    /** A refused request: the HTTP status and the reason. */
    record Refused(int status, String reason) {
    }

    private final String token;
    private final Set<String> hosts;

    /** {@code hosts}: the accepted Host header values, lower case, each with its port. */
    Guard(String token, Set<String> hosts) {
        this.token = token;
        this.hosts = Set.copyOf(hosts);
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String token() {
        return token;
    }

    /** Null when the request may proceed. */
    Refused check(String host, String origin, String givenToken) {
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return new Refused(403, "the Host header names another server");
        }
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return new Refused(403, "the request comes from another origin");
        }
        if (givenToken == null || !MessageDigest.isEqual(givenToken.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return new Refused(401, "this page needs the token printed by 'ida4j oversee': open the URL it printed");
        }
        return null;
    }
}
