package dev.longwatch.net;

/**
 * A destination the outbound rules refuse. {@link #getMessage()} is the same for every refusal, so
 * it can be shown to whoever supplied the URL without telling them what lives on the network;
 * {@link #detail()} names the address and the rule, for the service log only.
 */
public final class OutboundRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What a caller is told, whatever the reason. */
    public static final String PUBLIC_MESSAGE = "refused by the outbound network rules";

    private final String detail;

    public OutboundRefusedException(String detail) {
        super(PUBLIC_MESSAGE);
        this.detail = detail;
    }

    /** Which address and which rule; for logs, never for the caller. */
    public String detail() {
        return detail;
    }
}
