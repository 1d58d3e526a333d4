package dev.longwatch.ingest.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options every source is opened with: which protocols FFmpeg may use and which demuxers it
 * may pick, per kind of source, and the decoder's pixel limit. Pure: a map of FFmpeg option names
 * to values, applied by {@link FfmpegFrameSource} ({@code setOption} goes to {@code
 * avformat_open_input}, which applies format-context options such as the whitelists, protocol
 * options and the demuxer's private options; {@code setVideoOption} goes to {@code avcodec_open2}).
 *
 * <p>Why these: FFmpeg picks a demuxer by probing the bytes, and some demuxers turn anything into
 * pictures (the {@code tty} demuxer renders a text file as video), or read other files and URLs
 * named inside the input ({@code concat}, {@code hls}, image sequences by pattern). The demuxer
 * whitelist keeps video containers, raw video streams and single images; FFmpeg probes as usual
 * and then refuses to open a format that is not on it ("Format not on whitelist"), so a text or
 * subtitle file never falls back to something else. The protocol whitelist is copied by FFmpeg to
 * every nested context (HLS playlists and segments, the RTSP session's RTP and TCP), so a playlist
 * cannot reach {@code file:} or any other protocol.
 */
public final class FfmpegInputOptions {
    /** Local files: the file protocol only. */
    static final String FILE_PROTOCOLS = "file";

    /**
     * HTTP(S) and HLS: {@code http}/{@code https} on {@code tcp}/{@code tls}; {@code httpproxy} is
     * how FFmpeg tunnels TLS through the egress proxy (CONNECT); {@code crypto} decrypts AES-128
     * HLS segments (fetched over the same protocols).
     */
    static final String HTTP_PROTOCOLS = "http,https,tcp,tls,httpproxy,crypto";

    /**
     * RTSP: the session on {@code tcp} (to the egress relay), media as {@code rtp} over {@code udp}
     * when the transport is UDP, or interleaved on the session's TCP connection.
     */
    static final String RTSP_PROTOCOLS = "rtsp,rtp,udp,tcp";

    /**
     * Video containers, raw video streams and single images. FFmpeg matches any of a demuxer's
     * names ({@code mp4} admits the demuxer called {@code mov,mp4,m4a,3gp,3g2,mj2}). Not on it, on
     * purpose: {@code tty} and every text or subtitle demuxer, {@code concat}, playlists ({@code
     * hls} for files, {@code dash}), {@code lavfi}, device inputs, and audio-only formats.
     */
    static final String MEDIA_FORMATS =
            "mov,mp4,matroska,webm,mpegts,avi,flv,asf,mpeg,mpegvideo,m4v,h264,hevc,vvc,obu,av1,ivf,"
                    + "mjpeg,mxf,dv,nut,gif,image2,jpeg_pipe,png_pipe,bmp_pipe,webp_pipe";

    /** Over HTTP, HLS as well: its playlists and segments are checked like the first URL. */
    static final String HTTP_FORMATS = MEDIA_FORMATS + ",hls";

    /** RTSP is its own demuxer (RTP depacketizers, no nested demuxer). */
    static final String RTSP_FORMATS = "rtsp";

    private FfmpegInputOptions() {}

    /**
     * Options for {@code avformat_open_input}.
     *
     * @param proxyUrl the egress proxy for HTTP sources ({@code http://127.0.0.1:PORT}); ignored
     *     for other kinds
     */
    public static Map<String, String> format(SourceLocation.Kind kind, SourceOptions options, String proxyUrl) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (kind) {
            case FILE -> {
                o.put("protocol_whitelist", FILE_PROTOCOLS);
                o.put("format_whitelist", MEDIA_FORMATS);
            }
            case HTTP -> {
                o.put("protocol_whitelist", HTTP_PROTOCOLS);
                o.put("format_whitelist", HTTP_FORMATS);
                o.put("rw_timeout", micros(options.networkTimeout()));
                // Every HTTP connection, TLS included (CONNECT), redirects and HLS segments too,
                // goes through the egress proxy, which checks each one (egress.HttpEgressProxy).
                o.put("http_proxy", proxyUrl);
                // One request per connection through the proxy: HLS would otherwise try to reuse
                // a connection the proxy has closed and warn on every segment.
                o.put("http_persistent", "0");
                o.put("reconnect", "0");
            }
            case RTSP -> {
                o.put("protocol_whitelist", RTSP_PROTOCOLS);
                o.put("format_whitelist", RTSP_FORMATS);
                // TCP by default: UDP loses packets behind NAT and firewalls.
                o.put("rtsp_transport", options.rtspTransport());
                // Socket I/O timeout: a camera that goes silent fails here, and is reconnected.
                o.put("timeout", micros(options.stallTimeout()));
            }
        }
        // image2 reads a numbered sequence when the name holds a pattern (%03d) or a glob: one
        // file per source, named exactly.
        o.put("pattern_type", "none");
        return o;
    }

    /** Options for {@code avcodec_open2} of the video decoder. */
    public static Map<String, String> decoder(SourceLocation.Kind kind, SourceOptions options) {
        Map<String, String> o = new LinkedHashMap<>();
        // Decoder threads. A file is read as fast as possible: auto, as FFmpeg's CLI does (frame
        // threading, about one thread per core). A camera only comes in real time, which one
        // thread decodes with room to spare up to 4K; auto would give each of dozens of cameras
        // cores+1 threads, each holding its own frames and adding a frame of latency. Two keeps
        // a busy 4K camera ahead.
        o.put("threads", kind == SourceLocation.Kind.RTSP ? "2" : "0");
        // Pictures above the limit are refused when their buffer is requested, before decoding.
        o.put("max_pixels", Long.toString(options.maxPixels()));
        return o;
    }

    static String micros(java.time.Duration d) {
        return Long.toString(d.toNanos() / 1_000);
    }
}
