package dev.longwatch.ingest.source;

import java.util.regex.Pattern;

/** Keeps credentials out of logs, statuses and error messages. */
public final class Uris {
    // scheme://user:pass@host -> scheme://***@host. Greedy up to the last '@' of the authority,
    // so an unencoded '@' inside a password is covered too.
    private static final Pattern USER_INFO =
            Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\s?#\"'<>]*@");
    // Query parameters that commonly carry secrets (signed URLs, tokens).
    private static final Pattern SECRET_PARAM =
            Pattern.compile(
                    "([?&](?:password|passwd|pwd|pass|token|access_token|auth|key|api_key|apikey"
                            + "|secret|signature|sig|x-amz-signature|x-amz-credential"
                            + "|x-amz-security-token)=)[^&#\\s\"']*",
                    Pattern.CASE_INSENSITIVE);

    private Uris() {}

    /**
     * Returns {@code text} with every URI user-info and secret-looking query value replaced by
     * {@code ***}. Works on a bare URI and on any message that embeds URIs.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String noUser = USER_INFO.matcher(text).replaceAll("$1***@");
        return SECRET_PARAM.matcher(noUser).replaceAll("$1***");
    }
}
