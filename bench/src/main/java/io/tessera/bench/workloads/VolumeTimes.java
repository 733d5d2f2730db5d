package io.tessera.bench.workloads;

import io.tessera.bench.Report;
import io.tessera.bench.Sizes;
import io.tessera.bench.TargetOptions;
import io.tessera.bench.Verify;
import io.tessera.bench.http.Body;
import io.tessera.bench.http.Endpoint;
import io.tessera.bench.http.HttpConn;
import io.tessera.bench.http.Response;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Clone and snapshot time against image size, through Tessera's volume REST API as a user sees it:
 * for each image {@code <container>/img-<size>} (bench/run.sh publishes them, see
 * io.tessera.bench.fill.TesseraImageFill), {@code --repeat} times: clone a volume from the image
 * ({@code POST /volumes/v1/<account>}), then snapshot that volume into an object
 * ({@code POST .../snapshot}). The first repetition warms the JIT and is not recorded.
 * Checked: 201 for both, the volume's {@code size_bytes} and the snapshot object's Content-Length equal
 * the image's size. Everything made is deleted at the end of the run.
 */
@Command(name = "volumes", description = "clone and snapshot time against image size (Tessera's volume API)")
public final class VolumeTimes implements Callable<Integer> {
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Pattern SIZE_BYTES = Pattern.compile("\"size_bytes\"\\s*:\\s*(\\d+)");

    @Mixin
    TargetOptions target;

    @Option(names = "--image-sizes", split = ",", defaultValue = "100MiB,10GiB,100GiB")
    List<String> sizes;

    @Option(names = "--images", defaultValue = "bench-images", description = "container holding img-<size> (default ${DEFAULT-VALUE})")
    String images;

    @Option(names = "--snapshots", defaultValue = "bench-snaps", description = "container the snapshots go to (default ${DEFAULT-VALUE})")
    String snapshots;

    @Option(names = "--repeat", defaultValue = "7", description = "clones and snapshots per image size, the first one unrecorded (default ${DEFAULT-VALUE})")
    int repeat;

    @Override
    public Integer call() throws Exception {
        Endpoint swift = target.endpoint();
        String account = swift.basePath().substring(swift.basePath().lastIndexOf('/') + 1);
        Endpoint root = new Endpoint(swift.host(), swift.port(), "", swift.token(), swift.timeoutMillis());
        Report report = new Report(target, "volumes");
        report.params("image_sizes", sizes, "repeat", repeat, "recorded", repeat - 1, "api", "/volumes/v1");
        String volumesPath = "/volumes/v1/" + account;
        boolean ok = true;
        try (HttpConn s = new HttpConn(swift); HttpConn v = new HttpConn(root)) {
            Verify.status(s.exchange("PUT", "/" + snapshots, null, Body.of(new byte[0]), Sink.DISCARD), "PUT container " + snapshots, 201, 202);
            for (String sizeText : sizes) {
                long size = Sizes.parse(sizeText);
                String image = "img-" + Sizes.label(size);
                Histogram clone = new Histogram(3_600_000_000L, 3);
                Histogram snap = new Histogram(3_600_000_000L, 3);
                String error = null;
                String run = Long.toString(System.currentTimeMillis(), 36);
                for (int i = 0; i < repeat && error == null; i++) {
                    String vol = "bench-" + run + "-" + image + "-" + i;
                    try {
                        long t0 = System.nanoTime();
                        Response r = post(v, volumesPath, "{\"name\":\"" + vol + "\",\"source\":\"" + images + "/" + image + "\"}");
                        long cloneMicros = (System.nanoTime() - t0) / 1000;
                        Verify.status(r, "clone " + images + "/" + image, 201);
                        t0 = System.nanoTime();
                        r = post(v, volumesPath + "/" + vol + "/snapshot", "{\"container\":\"" + snapshots + "\",\"object\":\"" + vol + "\"}");
                        long snapMicros = (System.nanoTime() - t0) / 1000;
                        Verify.status(r, "snapshot of " + vol, 201);
                        if (i > 0) {
                            clone.recordValue(Math.max(1, cloneMicros));
                            snap.recordValue(Math.max(1, snapMicros));
                        }
                        Sink.Capture info = new Sink.Capture(1 << 20);
                        Verify.status(v.exchange("GET", volumesPath + "/" + vol, null, null, info), "GET volume " + vol, 200);
                        Matcher m = SIZE_BYTES.matcher(new String(info.bytes(), StandardCharsets.UTF_8));
                        Verify.equal(size, m.find() ? Long.parseLong(m.group(1)) : -1L, "size_bytes of volume " + vol);
                        Response head = s.exchange("HEAD", "/" + snapshots + "/" + vol, null, null, Sink.DISCARD);
                        Verify.status(head, "HEAD snapshot " + vol, 200);
                        Verify.equal(size, head.contentLength(), "Content-Length of snapshot " + vol);
                    } catch (Verify.Failed | IOException | RuntimeException e) {
                        error = e.toString();
                    } finally {
                        v.exchange("DELETE", volumesPath + "/" + vol, null, null, Sink.DISCARD);
                        s.exchange("DELETE", "/" + snapshots + "/" + vol, null, null, Sink.DISCARD);
                    }
                }
                boolean valid = error == null;
                String label = Sizes.label(size);
                String extra = String.format(Locale.ROOT, "n=%d max_ms=%.1f", clone.getTotalCount(), clone.getMaxValue() / 1000.0);
                report.result("vol.clone." + label, clone.getValueAtPercentile(50) / 1000.0, "ms", false, valid, extra);
                extra = String.format(Locale.ROOT, "n=%d max_ms=%.1f", snap.getTotalCount(), snap.getMaxValue() / 1000.0);
                report.result("vol.snapshot." + label, snap.getValueAtPercentile(50) / 1000.0, "ms", false, valid, extra);
                if (error != null) {
                    report.note("clone/snapshot of " + image + " failed: " + error);
                    ok = false;
                }
            }
        }
        return ok ? 0 : 1;
    }

    private static Response post(HttpConn c, String path, String json) throws IOException {
        return c.exchange("POST", path, JSON, Body.of(json.getBytes(StandardCharsets.UTF_8)), Sink.DISCARD);
    }
}
