package dev.longwatch.ingest.egress;

import java.util.List;

/**
 * The network path of one open source: FFmpeg connects only to a listening socket of this
 * session on loopback, and the session makes every outbound connection itself, to addresses the
 * outbound rules checked. One session per open source, closed with it, so what it refused is that
 * source's and nobody else's.
 */
public interface EgressSession extends AutoCloseable {
    /** The URL to hand FFmpeg (the relay's address for RTSP; the URL itself for HTTP). */
    String ffmpegUrl();

    /** The value of FFmpeg's {@code http_proxy} option, or null when FFmpeg needs none. */
    String proxyUrl();

    /** Connections this session refused under the outbound rules, with address and rule. */
    List<String> refusals();

    /** Connections this session could not make (unreachable, timed out, TLS failure). */
    List<String> failures();

    @Override
    void close();
}
