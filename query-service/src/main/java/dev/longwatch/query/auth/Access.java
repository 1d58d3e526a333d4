package dev.longwatch.query.auth;

import java.util.Optional;

/**
 * What the caller of one request may see: everything (open API) or the streams of its token's
 * scope, and which tenant it counts against for the per-tenant limits. Set on the request by
 * {@link dev.longwatch.query.http.HttpApi}'s auth filter.
 *
 * @param scope the token's scope; empty means the API is open
 * @param tenant {@value #OPEN_TENANT} for an open API, else the token's tenant name
 */
public record Access(Optional<ApiTokens.StreamScope> scope, String tenant) {
    /** The one tenant of an open API: every caller together. */
    public static final String OPEN_TENANT = "open";

    public static final Access OPEN = new Access(Optional.empty(), OPEN_TENANT);

    public static Access of(ApiTokens.Tenant tenant) {
        return new Access(Optional.of(tenant.scope()), tenant.name());
    }

    public boolean canSee(String streamId) {
        return scope.map(s -> s.allows(streamId)).orElse(true);
    }
}
