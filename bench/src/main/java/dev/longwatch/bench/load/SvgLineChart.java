package dev.longwatch.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart as inline SVG: no script, no network, opens in any browser. Series share the
 * x values; a missing or NaN value breaks its line. The y axis starts at 0 and ends a little
 * above the largest value, with five labelled grid lines.
 */
final class SvgLineChart {
    private static final int WIDTH = 920;
    private static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 170;
    private static final int TOP = 16;
    private static final int BOTTOM = 40;

    private final String id;
    private final String title;
    private final String yUnit;
    private final List<Double> x;
    private final Map<String, List<Double>> series = new LinkedHashMap<>();

    SvgLineChart(String id, String title, String yUnit, List<Double> x) {
        this.id = id;
        this.title = title;
        this.yUnit = yUnit;
        this.x = x;
    }

    SvgLineChart add(String name, List<Double> values) {
        series.put(name, values);
        return this;
    }

    /** A colour per series, spread around the hue circle. */
    static String colour(int index, int count) {
        double hue = (index * 360.0 / Math.max(1, count) + 210) % 360;
        return String.format(Locale.ROOT, "hsl(%.0f,70%%,%d%%)", hue, index % 2 == 0 ? 42 : 55);
    }

    String render() {
        double xMin = x.isEmpty() ? 0 : x.get(0);
        double xMax = x.isEmpty() ? 1 : Math.max(xMin + 1, x.get(x.size() - 1));
        double yMax = 0;
        for (List<Double> values : series.values()) {
            for (Double v : values) {
                if (v != null && !v.isNaN() && !v.isInfinite()) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        yMax = niceCeiling(yMax <= 0 ? 1 : yMax * 1.05);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
                id, WIDTH, HEIGHT, WIDTH, HEIGHT, HtmlReport.escape(title)));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"#fafafa\" stroke=\"#ccc\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            double y = TOP + plotH - plotH * i / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>", LEFT, LEFT + plotW, y, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">%s</text>%n", LEFT - 6, y + 4, label(value)));
        }
        for (int i = 0; i <= 6; i++) {
            double value = xMin + (xMax - xMin) * i / 6;
            double px = LEFT + plotW * i / 6;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">%s</text>", px, HEIGHT - BOTTOM + 16, label(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">run time (s)</text>%n", LEFT + plotW / 2, HEIGHT - 6));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\" transform=\"rotate(-90 14 %.0f)\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, HtmlReport.escape(yUnit)));
        int index = 0;
        for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
            String colour = colour(index, series.size());
            for (List<String> segment : segments(entry.getValue(), xMin, xMax, yMax, plotW, plotH)) {
                svg.append("<polyline class=\"series\" data-series=\"").append(HtmlReport.escape(entry.getKey()))
                        .append("\" fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(colour).append("\" points=\"")
                        .append(String.join(" ", segment)).append("\"/>\n");
            }
            double ly = TOP + 12 + index * 15;
            if (ly < HEIGHT - 10) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>", LEFT + plotW + 12, LEFT + plotW + 30, ly - 4, ly - 4, colour));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" fill=\"#222\">%s</text>%n", LEFT + plotW + 36, ly, HtmlReport.escape(entry.getKey())));
            }
            index++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private List<List<String>> segments(List<Double> values, double xMin, double xMax, double yMax, double plotW, double plotH) {
        List<List<String>> segments = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (int i = 0; i < Math.min(values.size(), x.size()); i++) {
            Double v = values.get(i);
            if (v == null || v.isNaN() || v.isInfinite()) {
                if (!current.isEmpty()) {
                    segments.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            double px = LEFT + plotW * (x.get(i) - xMin) / (xMax - xMin);
            double py = TOP + plotH - plotH * Math.min(v, yMax) / yMax;
            current.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        // A single point draws nothing as a polyline: repeat it so it shows as a dot.
        for (List<String> segment : segments) {
            if (segment.size() == 1) {
                segment.add(segment.get(0));
            }
        }
        return segments;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%.0f", value);
    }
}
