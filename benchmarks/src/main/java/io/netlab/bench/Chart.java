package io.netlab.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws docs/performance.png from benchmarks/results/compare.csv: netlab's median throughput against block size
 * (1 KiB, 64 KiB, 1 MiB), one line per destination, with the peers' medians as horizontal reference lines.
 * Plain Java 2D, headless: {@code java -cp benchmarks.jar io.netlab.bench.Chart compare.csv out.png}.
 */
public final class Chart {
    private static final int W = 900;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 230;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private Chart() {
    }

    /** Reads the CSV, draws the chart. */
    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args.length > 0 ? args[0] : "benchmarks/results/compare.csv");
        Path png = Path.of(args.length > 1 ? args[1] : "docs/performance.png");
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rates.computeIfAbsent(f[0] + "|" + f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[4]));
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double max = Math.ceil(rates.values().stream().mapToDouble(Chart::median).max().orElse(1) * 1.05 / 500) * 500;
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("1 GiB over 127.0.0.1: median MiB/s (whole client process)", LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = TOP + plotH - (int) (plotH * i / 5.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT + 1, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.0f", v), LEFT - 45, y + 4);
        }
        String[] sizes = {"1k", "64k", "1m"};
        String[] labels = {"1 KiB", "64 KiB", "1 MiB"};
        for (int i = 0; i < sizes.length; i++) {
            int x = LEFT + plotW * (2 * i + 1) / 6;
            g.drawString(labels[i], x - 18, TOP + plotH + 20);
        }
        g.drawString("netlab block size", LEFT + plotW / 2 - 45, TOP + plotH + 45);
        String[] dests = {"file", "devnull"};
        Color[] destColors = {new Color(31, 119, 180), new Color(255, 127, 14)};
        int legendY = TOP + 10;
        for (int d = 0; d < dests.length; d++) {
            g.setColor(destColors[d]);
            g.setStroke(new BasicStroke(3));
            int px = -1;
            int py = -1;
            for (int i = 0; i < sizes.length; i++) {
                List<Double> v = rates.get("netlab-" + sizes[i] + "|" + dests[d]);
                if (v == null) {
                    continue;
                }
                int x = LEFT + plotW * (2 * i + 1) / 6;
                int y = TOP + plotH - (int) (plotH * median(v) / max);
                g.fillOval(x - 5, y - 5, 10, 10);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawLine(W - RIGHT + 15, legendY, W - RIGHT + 40, legendY);
            g.setColor(Color.BLACK);
            g.drawString("netlab -> " + (d == 0 ? "new file" : "/dev/null"), W - RIGHT + 45, legendY + 4);
            legendY += 20;
        }
        String[] peers = {"nc", "nginx+curl", "python-1k"};
        float[][] dashes = {{8, 4}, {2, 4}, {12, 4, 2, 4}};
        for (int p = 0; p < peers.length; p++) {
            for (int d = 0; d < dests.length; d++) {
                List<Double> v = rates.get(peers[p] + "|" + dests[d]);
                if (v == null) {
                    continue;
                }
                int y = TOP + plotH - (int) (plotH * median(v) / max);
                g.setColor(destColors[d]);
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, dashes[p], 0));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(peers[p], LEFT + plotW + 4, y + 4);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, dashes[p], 0));
            g.drawLine(W - RIGHT + 15, legendY, W - RIGHT + 40, legendY);
            g.drawString(peers[p] + " (reference)", W - RIGHT + 45, legendY + 4);
            legendY += 20;
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
        System.out.println("wrote " + png);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
