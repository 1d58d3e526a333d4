package dev.longwatch.ingest.source;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The declared picture size of a local file, checked against the pixel limit before the grabber
 * decodes anything. JavaCV's {@code start()} runs {@code avformat_find_stream_info} without
 * per-stream options, and that decodes a few frames (a PNG or an H.264 stream's first pictures)
 * at whatever size they claim, up to FFmpeg's own cap of about 268 million pixels. This probe
 * opens the file with the same whitelists, refuses a size the container declares above the limit,
 * and otherwise finds the stream info with {@code max_pixels} on every stream's probing decoder.
 *
 * <p>Files only: for a network source it would mean a second connection (a second RTSP session,
 * the HLS playlist twice). There the size is checked after the grabber opened and before the first
 * frame is decoded for ingest, and the decoder has {@code max_pixels} ({@link FfmpegInputOptions}).
 */
final class FfmpegProbe {
    private FfmpegProbe() {}

    /**
     * @throws SourceException TOO_LARGE when a video stream declares, or decodes to, more than
     *     {@code maxPixels}; other failures are left to the real open, which reports them
     */
    static void checkDeclaredSize(String path, Map<String, String> formatOptions, long maxPixels, String redacted)
            throws SourceException {
        AVFormatContext ic = new AVFormatContext(null);
        AVDictionary options = new AVDictionary(null);
        formatOptions.forEach((k, v) -> avutil.av_dict_set(options, k, v, 0));
        try (FfmpegLog.Capture log = FfmpegLog.capture()) {
            int ret = avformat.avformat_open_input(ic, path, null, options);
            avutil.av_dict_free(options);
            if (ret < 0) {
                return;
            }
            try {
                requireWithin(ic, maxPixels, redacted);
                int n = ic.nb_streams();
                PointerPointer<AVDictionary> perStream = new PointerPointer<>(n);
                for (int i = 0; i < n; i++) {
                    AVDictionary d = new AVDictionary(null);
                    avutil.av_dict_set(d, "max_pixels", Long.toString(maxPixels), 0);
                    perStream.put(i, d);
                }
                avformat.avformat_find_stream_info(ic, perStream);
                for (int i = 0; i < n; i++) {
                    avutil.av_dict_free(new AVDictionary(perStream.get(i)));
                }
                perStream.close();
                if (log.contains("max pixel count")) {
                    throw tooLarge(redacted, maxPixels, "a picture");
                }
                requireWithin(ic, maxPixels, redacted);
            } finally {
                avformat.avformat_close_input(ic);
            }
        }
    }

    private static void requireWithin(AVFormatContext ic, long maxPixels, String redacted) throws SourceException {
        for (int i = 0; i < ic.nb_streams(); i++) {
            AVCodecParameters par = ic.streams(i).codecpar();
            if (par.codec_type() == avutil.AVMEDIA_TYPE_VIDEO
                    && (long) par.width() * par.height() > maxPixels) {
                throw tooLarge(redacted, maxPixels, par.width() + "x" + par.height() + " pictures");
            }
        }
    }

    static SourceException tooLarge(String redacted, long maxPixels, String what) {
        return new SourceException(
                Reason.TOO_LARGE,
                redacted + " has " + what + " larger than the limit of " + maxPixels
                        + " pixels (LONGWATCH_INGEST_MAX_PIXELS)");
    }
}
