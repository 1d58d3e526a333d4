package dev.longwatch.query.auth;

import java.util.Optional;

/**
 * What the caller of one request may see: everything (open API) or the streams of its token's
 * scope. Set on the request by {@link dev.longwatch.query.http.HttpApi}'s auth filter.
 *
 * @param scope the token's scope; empty means the API is open
 */
public record Access(Optional<ApiTokens.StreamScope> scope) {
    public static final Access OPEN = new Access(Optional.empty());

    public static Access of(ApiTokens.StreamScope scope) {
        return new Access(Optional.of(scope));
    }

    public boolean canSee(String streamId) {
        return scope.map(s -> s.allows(streamId)).orElse(true);
    }
}
