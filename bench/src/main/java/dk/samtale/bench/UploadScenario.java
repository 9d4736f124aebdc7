package dk.samtale.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Attachments (issue 17) with scanning on: a real clamd (Debian's {@code clamav-daemon}, started here with
 * a one-signature database, as the tests do) and the packaged service. For each file size, {@code
 * --uploaders} citizens upload JPEGs (each file unique, so clamd's cache never answers for it) and send
 * each in a message (upload-then-send), for {@code --files} files per uploader. Measures upload throughput
 * (files/s, MB/s), per-upload latency, the service's memory (RSS and heap, sampled every 250 ms: it must
 * stay flat, no file is held in memory) and the latency of chat messages sent meanwhile by one more pair,
 * next to the same chat with no uploads running.
 */
final class UploadScenario {

    static final Set<String> OPTIONS = Set.of("sizes-kb", "files", "uploaders", "chat-rate", "chat-seconds", "repo",
            "service-jar", "out", "service-opts", "clamd");

    private UploadScenario() {
    }

    static int run(Args args) throws Exception {
        int[] sizesKb = args.ints("sizes-kb", "1000,10000");
        int files = args.integer("files", 10);
        int uploaders = args.integer("uploaders", 4);
        int chatRate = args.integer("chat-rate", 10);
        int chatSeconds = args.integer("chat-seconds", 10);
        Path clamdBinary = Path.of(args.str("clamd", "/usr/sbin/clamd"));
        List<String> serviceOpts = new ArrayList<>(args.words("service-opts", "-Xmx1g"));
        if (files < 1 || files > 1000 || uploaders < 1 || uploaders > 64 || chatRate < 1 || chatRate > 200) {
            throw new Harness.Fail("options out of range (files 1..1000, uploaders 1..64, chat-rate 1..200)");
        }
        for (int kb : sizesKb) {
            if (kb < 10 || kb > 10_000) {
                throw new Harness.Fail("--sizes-kb: each 10..10000 (the default per-file limit is 10 MiB)");
            }
        }
        if (!Files.isExecutable(clamdBinary)) {
            throw new Harness.Fail(clamdBinary + " missing: apt-get install clamav-daemon (or --clamd <path>)");
        }
        Map<String, Object> result = Report.result("upload", Map.of("sizesKb", sizesKb, "files", files, "uploaders",
                uploaders, "chatRate", chatRate));
        try (Harness h = new Harness("upload", args)) {
            h.requireService();
            Path clamdDir = Files.createDirectories(h.work().resolve("clamd"));
            Process clamd = startClamd(clamdBinary, clamdDir);
            h.addWorker(clamd);
            String address = "unix:" + clamdDir.resolve("clamd.sock");
            awaitClamd(clamd, clamdDir);
            serviceOpts.add("-Dsamtale.attachments.clamd-address=" + address);
            Map<String, Object> svc = h.startDatabaseAndService(serviceOpts, result);
            System.out.printf("upload: clamd %s; service ready in %d ms%n", address, svc.get("launchToReadyMs"));
            h.loadTestData();
            Identity id = h.identity();
            Rest rest = new Rest(h.base());
            long pid = h.servicePid();

            // the chat pair, measured alone first
            String chatCitizen = id.citizen(Identity.cpr(900_000));
            String chatConversation = open(rest, chatCitizen, "Chat under uploads");
            String chatStaff = id.staff("bench-upload-staff", "Bench Sagsbehandler", "unit-x");
            Latency quiet = chat(rest, chatStaff, chatConversation, chatRate, chatSeconds, null);
            Map<String, Object> memBase = memory(h, rest, pid);

            List<String> tokens = new ArrayList<>();
            List<String> conversations = new ArrayList<>();
            for (int u = 0; u < uploaders; u++) {
                String t = id.citizen(Identity.cpr(910_000 + u));
                tokens.add(t);
                conversations.add(open(rest, t, "Filer " + u));
            }
            Report.Table table = new Report.Table("file", "files", "seconds", "files/s", "MB/s",
                    "upload p50/p95/p99/max ms", "chat p50/p95/p99/max ms", "RSS MB base/max", "heap MB max");
            table.row("(none)", 0, chatSeconds, "-", "-", "-", quiet.cell(), memBase.get("rssKb") == null
                    ? "-"
                    : (Long) memBase.get("rssKb") / 1024, "-");
            Map<String, Object> runs = new LinkedHashMap<>();
            runs.put("chatAlone", quiet.summary());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1).build();
            for (int kb : sizesKb) {
                byte[] base = jpegOfAbout(kb * 1000);
                System.out.printf("upload: %d files of %.1f MB (%d uploaders), chat at %d/s meanwhile%n",
                        files * uploaders, base.length / 1e6, uploaders, chatRate);
                Latency uploads = new Latency();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong rssMax = new AtomicLong();
                AtomicLong heapMax = new AtomicLong();
                Thread sampler = new Thread(() -> {
                    while (running.get()) {
                        rssMax.accumulateAndGet(Proc.rssKb(pid), Math::max);
                        heapMax.accumulateAndGet(heapUsedBytes(rest, h.base()), Math::max);
                        Harness.sleep(250);
                    }
                });
                sampler.start();
                Latency[] chatDuring = new Latency[1];
                Thread chatter = new Thread(() -> chatDuring[0] = chat(rest, chatStaff, chatConversation, chatRate,
                        3600, running));
                chatter.start();
                long t0 = System.nanoTime();
                Rest.parallel(uploaders, uploaders, 3600, u -> {
                    for (int f = 0; f < files; f++) {
                        byte[] file = unique(base);
                        long s = System.nanoTime();
                        String att = upload(http, h.base(), tokens.get(u), conversations.get(u), file);
                        uploads.recordNanos(System.nanoTime() - s);
                        Rest.Response r = rest.post(tokens.get(u), "/api/v1/conversations/" + conversations.get(u)
                                + "/messages", Map.of("clientMessageId", UUID.randomUUID().toString(), "body",
                                        "Fil " + f, "attachmentIds", List.of(att)));
                        if (r.status() != 201) {
                            throw new Harness.Fail("sending the file answered " + r.status() + ": " + r.body());
                        }
                    }
                    return null;
                });
                double seconds = (System.nanoTime() - t0) / 1e9;
                running.set(false);
                chatter.join();
                sampler.join();
                int total = files * uploaders;
                double mb = total * (double) base.length / 1e6;
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("fileBytes", base.length);
                run.put("files", total);
                run.put("seconds", Math.round(seconds * 10) / 10.0);
                run.put("filesPerSecond", Math.round(total / seconds * 100) / 100.0);
                run.put("megabytesPerSecond", Math.round(mb / seconds * 100) / 100.0);
                run.put("upload", uploads.summary());
                run.put("chatDuring", chatDuring[0].summary());
                run.put("rssKbMax", rssMax.get());
                run.put("heapBytesMax", heapMax.get());
                runs.put(kb + "kB", run);
                table.row(String.format("%.1f MB", base.length / 1e6), total, run.get("seconds"),
                        run.get("filesPerSecond"), run.get("megabytesPerSecond"), uploads.cell(), chatDuring[0].cell(),
                        (memBase.get("rssKb") == null ? "-" : (Long) memBase.get("rssKb") / 1024) + "/"
                                + rssMax.get() / 1024,
                        heapMax.get() / (1024 * 1024));
            }
            result.put("memoryBefore", memBase);
            result.put("memoryAfter", memory(h, rest, pid));
            result.put("runs", runs);
            System.out.println();
            System.out.printf("upload: JPEG uploads with clamd scanning, %d uploaders, each file then sent in a"
                    + " message; chat (one staff member, REST send → ack) at %d/s alone and during the uploads%n",
                    uploaders, chatRate);
            table.print();
            Report.write(h, "upload", result);
        }
        return 0;
    }

    private static String open(Rest rest, String citizen, String subject) {
        Rest.Response r = rest.post(citizen, "/api/v1/conversations", Map.of("unitId", Harness.UNIT_X, "subject",
                subject));
        if (r.status() != 201) {
            throw new Harness.Fail("opening a conversation answered " + r.status() + ": " + r.body());
        }
        return r.body().path("id").asText();
    }

    /**
     * Sends chat messages at {@code rate}/s, one at a time, timing each REST send until its ack; for
     * {@code seconds}, or while {@code running} holds.
     */
    private static Latency chat(Rest rest, String staff, String conversation, int rate, int seconds,
            AtomicBoolean running) {
        Latency l = new Latency();
        long interval = 1_000_000_000L / rate;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long next = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end && (running == null || running.get())) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Harness.sleep(wait / 1_000_000);
            }
            next += interval;
            long t0 = System.nanoTime();
            Rest.Response r = rest.post(staff, "/api/v1/conversations/" + conversation + "/messages", Map.of(
                    "clientMessageId", UUID.randomUUID().toString(), "body", "Besked " + n++));
            if (r.status() != 201) {
                throw new Harness.Fail("a chat send answered " + r.status() + ": " + r.body());
            }
            l.recordNanos(System.nanoTime() - t0);
        }
        return l;
    }

    private static String upload(HttpClient http, String base, String token, String conversation, byte[] file) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conversations/"
                    + conversation + "/attachments")).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "image/jpeg")
                    .header("Content-Disposition", "attachment; filename*=UTF-8''bench.jpg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(file)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new Harness.Fail("an upload answered " + r.statusCode() + " (201 = scanned, accepted): "
                        + r.body());
            }
            return Rest.JSON.readTree(r.body()).path("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Harness.Fail("interrupted");
        }
    }

    /** A JPEG of random noise (it does not compress) of about {@code bytes}. */
    static byte[] jpegOfAbout(int bytes) throws IOException {
        Random rnd = new Random(17);
        // noise at quality 0.9 takes about 0.9 bytes a pixel; start a little under and correct
        int side = (int) Math.sqrt(bytes / 0.95);
        for (int attempt = 0; attempt < 8; attempt++) {
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    img.setRGB(x, y, rnd.nextInt());
                }
            }
            ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                w.setOutput(ios);
                w.write(null, new IIOImage(img, null, null), p);
            }
            w.dispose();
            byte[] b = out.toByteArray();
            // how much of the target it fills: just under it is what we want
            double fill = b.length / (double) bytes;
            if (fill > 0.85 && fill <= 1.0) {
                return b;
            }
            side = (int) (side * Math.sqrt(1 / fill) * 0.99);
        }
        throw new Harness.Fail("could not make a JPEG of about " + bytes + " bytes");
    }

    /** The same image with a random comment after SOI: another file to the scanner's cache. */
    static byte[] unique(byte[] jpeg) {
        byte[] comment = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[jpeg.length + 4 + comment.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        int len = comment.length + 2;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(comment, 0, out, 6, comment.length);
        System.arraycopy(jpeg, 2, out, 6 + comment.length, jpeg.length - 2);
        return out;
    }

    private static Map<String, Object> memory(Harness h, Rest rest, long pid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rssKb", Proc.rssKb(pid));
        m.put("heapUsedBytes", heapUsedBytes(rest, h.base()));
        return m;
    }

    /** jvm_memory_used_bytes{area="heap"} summed over the pools, from /q/metrics. */
    static long heapUsedBytes(Rest rest, String base) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                    + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            long sum = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Process startClamd(Path binary, Path dir) throws IOException {
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
                .getBytes(StandardCharsets.US_ASCII);
        try {
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(eicar));
            Files.writeString(db.resolve("bench.hdb"), md5 + ":" + eicar.length + ":Eicar-Test-Signature\n");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(db.resolve("bench.ndb"), "Eicar-Test-Signature-Embedded:0:*:" + HexFormat.of().formatHex(
                eicar) + "\n");
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n", List.of("Foreground yes", "DatabaseDirectory "
                + db, "LocalSocket " + dir.resolve("clamd.sock"), "LogFile " + dir.resolve("clamd.log"),
                "StreamMaxLength 64M")) + "\n");
        return new ProcessBuilder(binary.toString(), "-c", dir.resolve("clamd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
    }

    private static void awaitClamd(Process clamd, Path dir) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Path socket = dir.resolve("clamd.sock");
        while (System.nanoTime() < deadline) {
            if (!clamd.isAlive()) {
                throw new Harness.Fail("clamd exited: " + Files.readString(dir.resolve("clamd.out")));
            }
            if (Files.exists(socket)) {
                return;
            }
            Harness.sleep(100);
        }
        throw new Harness.Fail("clamd did not open its socket within 120 s");
    }
}
