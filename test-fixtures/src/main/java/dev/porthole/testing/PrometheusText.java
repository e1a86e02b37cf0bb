package dev.porthole.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of a Prometheus text exposition ({@code /q/metrics}) in tests. */
public final class PrometheusText {

    private PrometheusText() {}

    /** The sum of every series of {@code metric} (any labels); 0 when there is none yet. */
    public static double sum(String exposition, String metric) {
        Matcher series = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? ([-+0-9.eE]+)$")
                .matcher(exposition);
        double total = 0;
        while (series.find()) {
            total += Double.parseDouble(series.group(2));
        }
        return total;
    }
}
