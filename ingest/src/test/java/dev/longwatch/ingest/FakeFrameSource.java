package dev.longwatch.ingest;

import dev.longwatch.ingest.source.FrameSource;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import dev.longwatch.ingest.source.SourceInfo;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Optional;
import java.util.OptionalLong;

/** A source of solid-colour frames at given timestamps; optionally fails after the last one. */
final class FakeFrameSource implements FrameSource {
    private final long[] pts;
    private final SourceInfo info;
    private final SourceException failAtEnd;
    private int next;
    boolean closed;

    FakeFrameSource(long[] pts, boolean live, SourceException failAtEnd) {
        this.pts = pts.clone();
        long duration = pts.length == 0 ? 0 : pts[pts.length - 1] + 40;
        this.info =
                new SourceInfo(
                        "fake://clip",
                        live,
                        live ? OptionalLong.empty() : OptionalLong.of(duration),
                        25,
                        64,
                        48);
        this.failAtEnd = failAtEnd;
    }

    /** {@code seconds} of 25 fps video. */
    static FakeFrameSource file(int seconds) {
        long[] pts = new long[seconds * 25];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = i * 40L;
        }
        return new FakeFrameSource(pts, false, null);
    }

    @Override
    public SourceInfo info() {
        return info;
    }

    @Override
    public Optional<SourceFrame> next() throws SourceException {
        if (next >= pts.length) {
            if (failAtEnd != null) {
                throw failAtEnd;
            }
            return Optional.empty();
        }
        long p = pts[next++];
        return Optional.of(
                new SourceFrame() {
                    @Override
                    public long ptsMs() {
                        return p;
                    }

                    @Override
                    public int width() {
                        return 64;
                    }

                    @Override
                    public int height() {
                        return 48;
                    }

                    @Override
                    public BufferedImage toImage() {
                        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
                        Graphics2D g = img.createGraphics();
                        g.setColor(new Color((int) (p / 40 % 256), 80, 160));
                        g.fillRect(0, 0, 64, 48);
                        g.dispose();
                        return img;
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
    }
}
