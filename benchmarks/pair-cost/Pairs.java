import java.net.URI;
import java.net.http.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.*;

/** N create/delete pairs on one connection, paced at RATE requests/s (latency from the due time). */
public final class Pairs {
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"?(\\d+)");
    public static void main(String[] a) throws Exception {
        URI base = URI.create(a[0] + "/");
        String token = a[1]; long server = Long.parseLong(a[2]); double rate = Double.parseDouble(a[3]);
        int pairs = Integer.parseInt(a[4]);
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        List<Long> cr = new ArrayList<>(), de = new ArrayList<>(), crs = new ArrayList<>(), des = new ArrayList<>();
        int errors = 0; String last = "";
        long i = 0;
        for (int p = 0; p < pairs; p++) {
            String id = null;
            for (int k = 0; k < 2; k++, i++) {
                long due = start + i * interval;
                long w = due - System.nanoTime();
                if (w > 0) LockSupport.parkNanos(w);
                boolean create = k == 0;
                if (!create && id == null) continue;
                HttpRequest r = create
                    ? HttpRequest.newBuilder(base.resolve("api/v1/snapshots/")).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"server_id\": " + server + ", \"name\": \"pair-" + p + "\"}"))
                        .timeout(Duration.ofSeconds(30)).build()
                    : HttpRequest.newBuilder(base.resolve("api/v1/snapshots/" + id + "/")).header("Authorization", "Bearer " + token)
                        .DELETE().timeout(Duration.ofSeconds(30)).build();
                long sent = System.nanoTime();
                HttpResponse<String> res = c.send(r, HttpResponse.BodyHandlers.ofString());
                long done = System.nanoTime();
                if (create) {
                    Matcher m = ID.matcher(res.body());
                    if (res.statusCode() == 201 && m.find()) { id = m.group(1); cr.add(done - due); crs.add(done - sent); }
                    else { errors++; last = "create " + res.statusCode() + " " + res.body(); }
                } else {
                    if (res.statusCode() == 204) { de.add(done - due); des.add(done - sent); }
                    else { errors++; last = "delete " + res.statusCode() + " " + res.body(); }
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("pairs=%d errors=%d seconds=%.1f create p50=%.2f p99=%.2f service p50=%.2f p99=%.2f | delete p50=%.2f p99=%.2f service p50=%.2f p99=%.2f%n",
            pairs, errors, secs, q(cr, .5), q(cr, .99), q(crs, .5), q(crs, .99), q(de, .5), q(de, .99), q(des, .5), q(des, .99));
        if (errors > 0) System.out.println("last error: " + last);
    }
    static double q(List<Long> l, double f) {
        if (l.isEmpty()) return Double.NaN;
        long[] s = l.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[(int) Math.max(0, Math.min(s.length - 1, Math.ceil(f * s.length) - 1))] / 1e6;
    }
}
