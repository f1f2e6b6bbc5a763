package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiveGNiddGeneratorTest {

    @Test
    void schemaHasTheCombinedCsvLayout() {
        assertThat(FiveGNiddSchema.FEATURE_COLUMNS).hasSize(48);
        assertThat(FiveGNiddSchema.ALL_COLUMNS).hasSize(52);
        assertThat(FiveGNiddSchema.ALL_COLUMNS.subList(49, 52)).containsExactly("Label", "Attack Type", "Attack Tool");
        assertThat(FiveGNiddSchema.CLASSES).hasSize(9).startsWith("Benign");
        long total = 0;
        for (long c : FiveGNiddSchema.PUBLISHED_COUNTS) {
            total += c;
        }
        assertThat(total).isEqualTo(1_215_890L);
    }

    @Test
    void deterministicBySeedAndWritesTheHeader() throws Exception {
        StringWriter a = new StringWriter();
        StringWriter b = new StringWriter();
        StringWriter c = new StringWriter();
        new FiveGNiddGenerator(42).write(a, 500);
        new FiveGNiddGenerator(42).write(b, 500);
        new FiveGNiddGenerator(43).write(c, 500);
        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(a.toString()).isNotEqualTo(c.toString());
        String header = a.toString().lines().findFirst().orElseThrow();
        assertThat(header).isEqualTo(String.join(",", FiveGNiddSchema.ALL_COLUMNS));
        assertThat(a.toString().lines().count()).isEqualTo(501);
    }

    @Test
    void aToolVariantChangesOnlyItsClassesFlowsLongerAndWithMorePayload() {
        FiveGNiddGenerator.Config variant = FiveGNiddGenerator.Config.defaults();
        variant.variants = java.util.Set.of("UDPFlood");
        List<String[]> plain = new FiveGNiddGenerator(5).generate(3000);
        List<String[]> changed = new FiveGNiddGenerator(5, variant).generate(3000);
        int label = FiveGNiddSchema.ALL_COLUMNS.indexOf("Attack Type");
        int dur = FiveGNiddSchema.ALL_COLUMNS.indexOf("Dur");
        int size = FiveGNiddSchema.ALL_COLUMNS.indexOf("sMeanPktSz");
        double[] ratio = new double[2];
        int n = 0;
        for (int i = 0; i < plain.size(); i++) {
            String type = plain.get(i)[label];
            assertThat(changed.get(i)[label]).isEqualTo(type);
            if (!type.equals("UDPFlood")) {
                assertThat(changed.get(i)).containsExactly(plain.get(i));
                continue;
            }
            ratio[0] += Double.parseDouble(changed.get(i)[dur]) / Math.max(1e-9, Double.parseDouble(plain.get(i)[dur]));
            ratio[1] += Double.parseDouble(changed.get(i)[size]) / Math.max(1e-9, Double.parseDouble(plain.get(i)[size]));
            n++;
        }
        assertThat(n).isPositive();
        assertThat(ratio[0] / n).isGreaterThan(2.0);
        assertThat(ratio[1] / n).isGreaterThan(2.0);
    }

    @Test
    void classMixFollowsThePublishedProportionsAndMinimum() {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        int[] y = new FiveGNiddGenerator(1, cfg).drawLabels(100_000);
        int[] cnt = new int[9];
        for (int v : y) {
            cnt[v]++;
        }
        double[] mix = FiveGNiddSchema.publishedMix();
        for (int k = 0; k < 9; k++) {
            assertThat(Math.abs(cnt[k] - 100_000 * mix[k])).isLessThan(10.0);
        }
        cfg.minPerClass = 200;
        int[] y2 = new FiveGNiddGenerator(1, cfg).drawLabels(10_000);
        int[] cnt2 = new int[9];
        for (int v : y2) {
            cnt2[v]++;
        }
        assertThat(y2).hasSize(10_000);
        for (int k = 0; k < 9; k++) {
            assertThat(cnt2[k]).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void rowsAreConsistentAndHaveEmptyCellsLikeTheRealFile() {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = 50;
        List<String[]> rows = new FiveGNiddGenerator(7, cfg).generate(3000);
        int col = FiveGNiddSchema.ALL_COLUMNS.indexOf("dTtl");
        int empties = 0;
        for (String[] r : rows) {
            assertThat(r).hasSize(52);
            long tot = Long.parseLong(get(r, "TotPkts"));
            assertThat(tot).isEqualTo(Long.parseLong(get(r, "SrcPkts")) + Long.parseLong(get(r, "DstPkts")));
            assertThat(Long.parseLong(get(r, "TotBytes")))
                    .isEqualTo(Long.parseLong(get(r, "SrcBytes")) + Long.parseLong(get(r, "DstBytes")));
            String type = get(r, "Attack Type");
            assertThat(FiveGNiddSchema.CLASSES).contains(type);
            assertThat(get(r, "Label")).isEqualTo(type.equals("Benign") ? "Benign" : "Malicious");
            String tool = get(r, "Attack Tool");
            switch (type) {
                case "Benign" -> assertThat(tool).isEqualTo("Benign");
                case "UDPFlood", "SYNFlood", "ICMPFlood" -> assertThat(tool).isEqualTo("Hping3");
                case "HTTPFlood" -> assertThat(tool).isEqualTo("Goldeneye");
                case "SlowrateDoS" -> assertThat(tool).isIn("Slowloris", "Torshammer");
                default -> assertThat(tool).isEqualTo("Nmap");
            }
            if (r[col].isEmpty()) {
                empties++;
            }
            if (!get(r, "Proto").equals("tcp")) {
                assertThat(get(r, "SrcWin")).isEmpty();
            }
        }
        assertThat(empties).isGreaterThan(100);
    }

    @Test
    void writtenFileLoadsWithThe5gNiddPreset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gen.csv");
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = 20;
        new FiveGNiddGenerator(3, cfg).write(f, 2000);
        RawDataset raw = CsvLoader.load(f, FiveGNiddSchema.mapping());
        assertThat(raw.size()).isEqualTo(2000);
        assertThat(raw.skippedRows()).isZero();
        assertThat(raw.classNames()).isEqualTo(FiveGNiddSchema.CLASSES);
        assertThat(raw.columnNames()).doesNotContain("Seq", "Offset", "Label", "Attack Tool", "Attack Type", "")
                .contains("Dur", "Proto", "State", "AckDat");
        assertThat(raw.columnNames()).hasSize(46);
        for (int c : raw.classCounts()) {
            assertThat(c).isGreaterThanOrEqualTo(20);
        }
        // in-memory rows give the same table as the file
        RawDataset mem = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS,
                new FiveGNiddGenerator(3, cfg).generate(2000), FiveGNiddSchema.mapping());
        assertThat(mem.row(1234)).containsExactly(raw.row(1234));
        assertThat(Files.size(f)).isGreaterThan(100_000);
    }

    @Test
    void cliWritesAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cli.csv");
        int rc = new picocli.CommandLine(new FiveGNiddGenerator.Cli()).execute("--rows", "100", "--seed", "5",
                "--out", f.toString());
        assertThat(rc).isZero();
        assertThat(Files.readAllLines(f)).hasSize(101);
        StringWriter w = new StringWriter();
        new FiveGNiddGenerator(5).write(w, 100);
        assertThat(Files.readString(f)).isEqualTo(w.toString());
        assertThat(CsvLoader.load(new StringReader(w.toString()), FiveGNiddSchema.mapping(), 10).size()).isEqualTo(10);
    }

    private static String get(String[] r, String col) {
        return r[FiveGNiddSchema.ALL_COLUMNS.indexOf(col)];
    }
}
