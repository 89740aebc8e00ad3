package io.autogaze4j.readout.viz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained single-file HTML report of a run: summary table, scale legend, inline SVG plots of the
 * per-frame metrics, and images embedded as data URIs. It loads nothing from the network and needs no
 * script.
 *
 * @param title    page title
 * @param metrics  the run's metrics
 * @param settings what produced the run (shown as a table), in order
 * @param palette  the scale colours of the masks (for the legend)
 * @param scaleCount scales shown in the legend
 * @param images   pictures to embed, in order (e.g. the animated GIF)
 */
public record HtmlReport(
        String title,
        RunMetrics metrics,
        Map<String, String> settings,
        ScalePalette palette,
        int scaleCount,
        List<ReportImage> images) {
    /** Colour of the gaze-ratio series. */
    public static final String GAZE_COLOUR = "#1f77b4";
    /** Colour of the update-ratio series. */
    public static final String UPDATE_COLOUR = "#ff7f0e";
    /** Colour of the PSNR series. */
    public static final String PSNR_COLOUR = "#2ca02c";
    /** Background of the plot areas. */
    public static final String PLOT_BACKGROUND = "#eef2f8";

    private static final int PLOT_W = 640;
    private static final int PLOT_H = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 34;

    public HtmlReport {
        if (title == null || metrics == null || palette == null) {
            throw new IllegalArgumentException("title, metrics and palette must be given");
        }
        if (scaleCount < 1) {
            throw new IllegalArgumentException("scale count must be >= 1, got " + scaleCount);
        }
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        images = List.copyOf(images);
    }

    /** Writes the page (UTF-8). */
    public void write(Path file) throws IOException {
        Files.writeString(file, html(), StandardCharsets.UTF_8);
    }

    /** The page. */
    public String html() {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:16px;background:#ffffff;color:#222}"
                        + "table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ccc;padding:3px "
                        + "8px;text-align:left}h1{font-size:20px}h2{font-size:16px;margin-top:18px}")
                .append(
                        ".swatch{display:inline-block;width:14px;height:14px;margin:0 4px 0 12px;vertical-align:middle}")
                .append("figure{display:inline-block;margin:6px}"
                        + "img{image-rendering:pixelated;max-width:100%}</style></head>\n<body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n");
        h.append("<h2>Per-frame metrics</h2>\n");
        List<FrameMetrics> f = metrics.frames();
        h.append(plot(
                "plot-ratios",
                "Gaze and update ratio",
                0,
                1,
                List.of(
                        new Series(
                                "update ratio",
                                UPDATE_COLOUR,
                                false,
                                f.stream()
                                        .mapToDouble(FrameMetrics::updateRatio)
                                        .toArray()),
                        new Series(
                                "gaze ratio",
                                GAZE_COLOUR,
                                false,
                                f.stream().mapToDouble(FrameMetrics::gazeRatio).toArray()),
                        new Series(
                                "EMA",
                                GAZE_COLOUR,
                                true,
                                f.stream()
                                        .mapToDouble(FrameMetrics::emaGazeRatio)
                                        .toArray()))));
        double[] psnr = f.stream().mapToDouble(FrameMetrics::psnr).toArray();
        double top = 10;
        for (FrameMetrics m : f) {
            top = Math.max(top, Double.isFinite(m.psnr()) ? m.psnr() : 0);
        }
        top = Math.ceil(top / 10) * 10;
        h.append(plot(
                "plot-psnr",
                "PSNR of the interframe output (dB; identical frames drawn at the top)",
                0,
                top,
                List.of(
                        new Series("PSNR", PSNR_COLOUR, false, psnr),
                        new Series(
                                "EMA",
                                PSNR_COLOUR,
                                true,
                                f.stream().mapToDouble(FrameMetrics::emaPsnr).toArray()))));
        h.append("<h2>Summary</h2>\n<table id=\"summary\">");
        row(h, "frames", Integer.toString(metrics.frameCount()));
        row(h, "keyframes", Integer.toString(metrics.keyframes()));
        row(h, "mean gaze ratio", percent(metrics.meanGazeRatio()));
        row(h, "mean update ratio", percent(metrics.meanUpdateRatio()));
        row(h, "PSNR (of mean MSE)", RunMetrics.db(metrics.psnr()));
        row(h, "lowest frame PSNR", RunMetrics.db(metrics.minPsnr()));
        if (metrics.frameCount() > 0) {
            FrameMetrics last = metrics.last();
            row(
                    h,
                    "final EMA (alpha " + metrics.emaAlpha() + ")",
                    "gaze " + percent(last.emaGazeRatio()) + ", update " + percent(last.emaUpdateRatio()) + ", PSNR "
                            + RunMetrics.db(last.emaPsnr()));
        }
        h.append("</table>\n");
        if (!settings.isEmpty()) {
            h.append("<h2>Settings</h2>\n<table id=\"settings\">");
            settings.forEach((k, v) -> row(h, k, v));
            h.append("</table>\n");
        }
        h.append("<p>Scales:");
        for (int s = 0; s < scaleCount; s++) {
            h.append("<span class=\"swatch\" style=\"background:")
                    .append(palette.css(s))
                    .append("\"></span>scale ")
                    .append(s);
        }
        h.append("</p>\n");
        if (!images.isEmpty()) {
            h.append("<h2>Frames</h2>\n");
            for (ReportImage img : images) {
                h.append("<figure><img alt=\"")
                        .append(escape(img.caption()))
                        .append("\" src=\"data:")
                        .append(img.mimeType())
                        .append(";base64,")
                        .append(Base64.getEncoder().encodeToString(img.data()))
                        .append("\"><figcaption>")
                        .append(escape(img.caption()))
                        .append("</figcaption></figure>\n");
            }
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private record Series(String name, String colour, boolean dashed, double[] values) {}

    /** A line plot of the series over the frame axis (later series drawn on top); values are clamped to {@code [yMin, yMax]}. */
    private static String plot(String id, String title, double yMin, double yMax, List<Series> series) {
        int iw = PLOT_W - LEFT - RIGHT;
        int ih = PLOT_H - TOP - BOTTOM;
        int n = series.get(0).values().length;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">\n",
                id,
                PLOT_W,
                PLOT_H,
                PLOT_W,
                PLOT_H));
        s.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\">%s</text>\n", LEFT, escape(title)));
        s.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#888\" "
                        + "shape-rendering=\"crispEdges\"/>\n",
                LEFT,
                TOP,
                iw,
                ih,
                PLOT_BACKGROUND));
        for (int k = 0; k <= 4; k++) {
            double v = yMin + (yMax - yMin) * k / 4;
            double y = TOP + ih - ih * k / 4.0;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d0d6e0\" shape-rendering=\"crispEdges\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT,
                    y,
                    LEFT + iw,
                    y,
                    LEFT - 6,
                    y + 4,
                    trim(v)));
        }
        int ticks = Math.min(n, 8);
        for (int k = 0; k < ticks; k++) {
            int i = ticks == 1 ? 0 : (int) Math.round((double) k * (n - 1) / (ticks - 1));
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                    x(i, n, iw),
                    TOP + ih + 16,
                    i));
        }
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">frame</text>\n",
                LEFT + iw / 2,
                PLOT_H - 4));
        int legendX = LEFT + iw;
        for (int k = series.size() - 1; k >= 0; k--) {
            Series ser = series.get(k);
            legendX -= 8 + 7 * (ser.name().length() + 4);
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"12\" x2=\"%d\" y2=\"12\" stroke=\"%s\" stroke-width=\"3\"%s/><text x=\"%d\" "
                            + "y=\"16\">%s</text>\n",
                    legendX,
                    legendX + 20,
                    ser.colour(),
                    ser.dashed() ? " stroke-dasharray=\"4 3\"" : "",
                    legendX + 24,
                    escape(ser.name())));
        }
        for (Series ser : series) {
            List<String> pts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double v = Double.isNaN(ser.values()[i]) ? yMin : Math.max(yMin, Math.min(yMax, ser.values()[i]));
                pts.add(String.format(
                        Locale.ROOT, "%.1f,%.1f", x(i, n, iw), TOP + ih - ih * (v - yMin) / (yMax - yMin)));
            }
            s.append("<polyline fill=\"none\" stroke=\"")
                    .append(ser.colour())
                    .append("\" stroke-width=\"")
                    .append(ser.dashed() ? "1.5" : "3")
                    .append(ser.dashed() ? "\" stroke-dasharray=\"4 3" : "")
                    .append("\" points=\"")
                    .append(String.join(" ", pts))
                    .append("\"/>\n");
            if (!ser.dashed()) {
                for (String p : pts) {
                    String[] xy = p.split(",");
                    s.append("<circle cx=\"")
                            .append(xy[0])
                            .append("\" cy=\"")
                            .append(xy[1])
                            .append("\" r=\"3.5\" fill=\"")
                            .append(ser.colour())
                            .append("\"/>");
                }
                s.append('\n');
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(int i, int n, int iw) {
        return LEFT + (n <= 1 ? iw / 2.0 : 8 + (iw - 16) * (double) i / (n - 1));
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>")
                .append(escape(k))
                .append("</th><td>")
                .append(escape(v))
                .append("</td></tr>");
    }

    private static String percent(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
