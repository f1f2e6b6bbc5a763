package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDescriptionTest {

    private static DataDescription yaml(String text) throws IOException {
        return DataDescription.parse(new StringReader(text), "test.yaml");
    }

    private static final String FLOWS = """
            name: flows
            label: Label
            features: [dur, bytes, proto]
            categorical: [proto]
            drop: [Flow ID]
            classes: [BENIGN, DoS, Web Attack]
            benign: BENIGN
            labels:
              DoS: [DoS Hulk, DoS slowloris]
              Web Attack: [Web Attack – Brute Force, Web Attack – XSS]
            """;

    private static DataDescription.Loaded load(DataDescription d, String csv) {
        try {
            return d.load(d.read(new StringReader(csv), "flows.csv", 0));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyPresetParsesAndNamesItsBenignClass() {
        for (String name : DataDescription.PRESETS) {
            DataDescription d = DataDescription.preset(name);
            assertThat(d.name()).isEqualTo(name);
            assertThat(d.classes()).contains(d.benign());
        }
        assertThat(DataDescription.resolve("nsl-kdd")).isSameAs(DataDescription.preset("nsl-kdd"));
    }

    @Test
    void nslKddPresetMapsEveryAttackNameOfTrainingAndTestFiles() {
        DataDescription d = DataDescription.preset("nsl-kdd");
        assertThat(d.classes()).containsExactly("normal", "DoS", "Probe", "R2L", "U2R");
        assertThat(d.columns()).hasSize(43).isEqualTo(NslKdd.COLUMNS);
        assertThat(d.className("neptune")).isEqualTo("DoS");
        assertThat(d.className("smurf.")).isEqualTo("DoS");        // KDD'99's trailing dot
        assertThat(d.className("Buffer_Overflow")).isEqualTo("U2R"); // any case
        // names that occur only in KDDTest+.txt
        for (String testOnly : List.of("apache2", "mailbomb", "processtable", "udpstorm", "mscan", "saint", "httptunnel", "ps",
                "sqlattack", "xterm", "named", "sendmail", "snmpgetattack", "snmpguess", "worm", "xlock", "xsnoop")) {
            assertThat(d.className(testOnly)).as(testOnly).isNotNull();
        }
        assertThat(d.className("DoS")).as("a class's own name").isEqualTo("DoS");
        assertThat(d.className("no_such_attack")).isNull();
    }

    @Test
    void fiveGNiddPresetReadsGeneratedFilesLikeTheSchema() {
        List<String[]> rows = new FiveGNiddGenerator(3).generate(500);
        List<String[]> withHeader = new ArrayList<>();
        withHeader.add(FiveGNiddSchema.ALL_COLUMNS.toArray(String[]::new));
        withHeader.addAll(rows);
        DataDescription d = DataDescription.preset("5g-nidd");
        DataDescription.Loaded l = d.load(new DataDescription.Table("generated", FiveGNiddSchema.ALL_COLUMNS, rows));
        RawDataset viaSchema = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, rows, FiveGNiddSchema.mapping());
        assertThat(l.data().columnNames()).isEqualTo(viaSchema.columnNames()).doesNotContain("Seq", "Offset", "Label");
        assertThat(l.data().labels()).isEqualTo(viaSchema.labels());
        assertThat(l.data().classNames()).isEqualTo(FiveGNiddSchema.CLASSES);
    }

    @Test
    void cicIds2017PresetTrimsLeadingSpacesAndGroupsLabels() {
        DataDescription d = DataDescription.preset("cic-ids2017");
        assertThat(d.className("Web Attack \uFFFD Brute Force")).as("the file's mis-encoded dash").isEqualTo(d.className("Web Attack – Brute Force"));
        assertThat(d.className("BENIGN")).isEqualTo(d.benign());
        assertThat(d.className("DoS Hulk")).isNotNull();
        assertThat(d.className("PortScan")).isNotNull();
        assertThat(d.missing()).contains("Infinity");
    }

    @Test
    void cicIds2017FileWithSpacedDuplicatedHeaderCp1252DashAndTrailingEmptyRowsReads(@TempDir Path dir) throws Exception {
        DataDescription d = DataDescription.preset("cic-ids2017");
        List<String> header = new ArrayList<>();
        for (String f : d.features()) {
            header.add(" " + f);
        }
        header.add(0, " Destination Port");
        header.add(55, " Fwd Header Length"); // the raw file's second copy, where the real file has it
        header.add(" Label");
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        String[] labels = {"BENIGN", "DoS Hulk", "Web Attack \u0096 XSS", "PortScan"};
        for (int i = 0; i < 8; i++) {
            List<String> cells = new ArrayList<>();
            for (int j = 0; j < header.size() - 1; j++) {
                cells.add(j == 14 && i == 3 ? "Infinity" : Integer.toString(i * 7 + j)); // column 14: Flow Bytes/s
            }
            cells.add(labels[i % labels.length]);
            csv.append(String.join(",", cells)).append('\n');
        }
        csv.append(",".repeat(header.size() - 1)).append('\n').append(",".repeat(header.size() - 1)).append('\n');
        Path f = dir.resolve("Thursday.csv");
        Files.write(f, csv.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)); // 0x96 as one byte
        DataDescription.Loaded l = d.load(f, 0);
        assertThat(l.data().size()).isEqualTo(8);
        assertThat(l.data().columnNames()).hasSize(76).doesNotContain("Fwd Header Length.1", "Destination Port"); // 78 in the file: a copy and a port dropped
        assertThat(l.data().classNames().get(l.data().labels()[2])).isEqualTo("WebAttack");
        assertThat(l.malformedRows()).isZero();
    }

    @Test
    void labelsNormaliseToTheClassOrderAndTheSpecCarriesTheBenignClass() throws Exception {
        DataDescription d = yaml(FLOWS);
        DataDescription.Loaded l = load(d, """
                 dur, bytes, proto, Flow ID, Label
                1.0,100,tcp,a,BENIGN
                2.0,2000,udp,b,DoS Hulk
                3.5,90,tcp,c,Web Attack � XSS
                0.5,10,tcp,d,dos slowloris
                """);
        assertThat(l.data().columnNames()).containsExactly("dur", "bytes", "proto");
        assertThat(l.data().classNames()).containsExactly("BENIGN", "DoS", "Web Attack");
        assertThat(l.data().labels()).containsExactly(0, 1, 2, 1);
        FeatureSpec spec = d.fit(l.data());
        assertThat(spec.benignClass()).isEqualTo("BENIGN");
        FeatureSpec back = FeatureSpec.fromJson(spec.toJson());
        assertThat(back).isEqualTo(spec);
        assertThat(back.benignIndex()).isZero();
    }

    @Test
    void aFileWithMissingOrUndeclaredColumnsIsRefusedByName() throws Exception {
        DataDescription d = yaml(FLOWS);
        assertThatThrownBy(() -> load(d, "dur,proto,Label,ttl\n1,tcp,BENIGN,64\n"))
                .isInstanceOf(DataDescription.Mismatch.class)
                .hasMessageContaining("missing columns [bytes]")
                .hasMessageContaining("extra columns [ttl]");
        assertThatThrownBy(() -> load(d, "dur,bytes,proto\n1,2,tcp\n"))
                .hasMessageContaining("missing columns [Label]");
    }

    @Test
    void aColumnOfTheWrongTypeIsRefused() throws Exception {
        DataDescription d = yaml(FLOWS);
        assertThatThrownBy(() -> load(d, "dur,bytes,proto,Label\n1,tcp,tcp,BENIGN\n2,udp,udp,DoS Hulk\n"))
                .isInstanceOf(DataDescription.Mismatch.class)
                .hasMessageContaining("column 'bytes' should hold numbers")
                .hasMessageContaining("'tcp'");
    }

    @Test
    void unknownLabelsFailByDefaultAndAreCountedWhenSkipped() throws Exception {
        String csv = "dur,bytes,proto,Label\n1,2,tcp,BENIGN\n1,2,tcp,Heartbleed\n1,2,tcp,Heartbleed\n";
        assertThatThrownBy(() -> load(yaml(FLOWS), csv))
                .isInstanceOf(DataDescription.Mismatch.class)
                .hasMessageContaining("'Heartbleed' x2")
                .hasMessageContaining("unknown-labels: skip");
        DataDescription.Loaded l = load(yaml(FLOWS + "unknown-labels: skip\n"), csv);
        assertThat(l.data().size()).isEqualTo(1);
        assertThat(l.unknownLabels()).containsEntry("Heartbleed", 2);
        assertThat(l.summary()).contains("Heartbleed");
    }

    @Test
    void malformedRowsAreSkippedAndReportedAndTooManyFailTheFile() throws Exception {
        StringBuilder csv = new StringBuilder("dur,bytes,proto,Label\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i).append(",10,tcp,BENIGN\n");
        }
        csv.append("1,2,BENIGN\n"); // one cell short
        DataDescription.Loaded l = load(yaml(FLOWS), csv.toString());
        assertThat(l.malformedRows()).isOne();
        assertThat(l.malformedLines()).containsExactly(201);
        assertThat(l.data().size()).isEqualTo(200);
        assertThatThrownBy(() -> load(yaml(FLOWS), "dur,bytes,proto,Label\n1,2,BENIGN\n1,2,tcp,BENIGN\n"))
                .hasMessageContaining("1 of 2 rows do not have the 4 cells");
    }

    @Test
    void repeatedHeaderNamesGetPandasSuffixes() throws Exception {
        DataDescription d = yaml("""
                name: dup
                label: Label
                classes: [a, b]
                drop: [len.1]
                """);
        DataDescription.Table t = d.read(new StringReader(" len, len,Label\n1,1,a\n"), "dup.csv", 0);
        assertThat(t.columns()).containsExactly("len", "len.1", "Label");
        DataDescription.Loaded l = d.load(t);
        assertThat(l.data().columnNames()).containsExactly("len");
        assertThat(l.summary()).as("features nobody declared are named").contains("[len]");
    }

    @Test
    void badDescriptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> yaml("name: x\nlabel: y\nclasses: [a]\nheavy_tailed: [z]\n"))
                .hasMessageContaining("unknown key 'heavy_tailed'");
        assertThatThrownBy(() -> yaml("name: x\nlabel: y\nclasses: [a]\nbenign: b\n"))
                .hasMessageContaining("benign class 'b' is not among [a]");
        assertThatThrownBy(() -> yaml("name: x\nlabel: y\nclasses: [a, b]\nlabels: {a: [v], b: [V]}\n"))
                .hasMessageContaining("mapped to both");
        assertThatThrownBy(() -> yaml("name: x\nheader: false\nlabel: y\nclasses: [a]\n"))
                .hasMessageContaining("needs its column names");
        assertThatThrownBy(() -> DataDescription.resolve("no-such-format"))
                .hasMessageContaining("neither a preset");
    }

    @Test
    void aDescriptionFileIsResolvedByPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mine.yaml");
        Files.writeString(f, FLOWS + "heavy-tailed: [bytes]\n");
        DataDescription d = DataDescription.resolve(f.toString());
        assertThat(d.heavyTailed()).containsExactly("bytes");
        DataDescription.Loaded l = load(d, "dur,bytes,proto,Label\n1,100,tcp,BENIGN\n2,20000,udp,DoS Hulk\n3,5,tcp,BENIGN\n");
        FeatureSpec spec = d.fit(l.data());
        assertThat(spec.columns()).filteredOn(c -> c.name.equals("bytes")).singleElement().matches(c -> c.log1p);
        assertThat(spec.columns()).filteredOn(c -> c.name.equals("dur")).singleElement().matches(c -> !c.log1p);
    }

    @Test
    void writtenRowsReadBackThroughTheSameDescription(@TempDir Path dir) throws Exception {
        DataDescription nsl = DataDescription.preset("nsl-kdd");
        String row = "0,tcp,ftp_data,SF,491,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,0.00,0.00,0.00,0.00,1.00,0.00,0.00,150,25,0.17,"
                + "0.03,0.17,0.00,0.00,0.00,0.05,0.00,";
        DataDescription.Loaded l = load(nsl, row + "normal,20\n" + row + "neptune,19\n" + row + "warezclient,5\n");
        Path f = dir.resolve("reference.txt");
        nsl.write(l.data(), f);
        DataDescription.Loaded back = nsl.load(f, 0);
        assertThat(back.data().labels()).isEqualTo(l.data().labels());
        assertThat(back.data().column("service")).isEqualTo(l.data().column("service"));
        DataDescription flows = yaml(FLOWS);
        DataDescription.Loaded fl = load(flows, "dur,bytes,proto,Label\n1,2,\"t,cp\",DoS Hulk\n");
        Path g = dir.resolve("flows.csv");
        flows.write(fl.data(), g);
        assertThat(flows.load(g, 0).data().column("proto")).containsExactly("t,cp");
    }

    @Test
    void aSampleIsUniformDeterministicByItsSeedAndInFileOrder(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("dur,bytes,proto,Label\n");
        for (int i = 0; i < 1000; i++) {
            csv.append(i).append(",10,tcp,").append(i < 500 ? "BENIGN" : "DoS Hulk").append('\n');
        }
        Path f = dir.resolve("sorted.csv");
        Files.writeString(f, csv.toString());
        DataDescription d = yaml(FLOWS);
        DataDescription.Table a = d.sample(f, 100, 1);
        assertThat(a.rows()).hasSize(100);
        List<Integer> first = a.rows().stream().map(r -> Integer.parseInt(r[0])).toList();
        assertThat(first).isSorted();
        assertThat(first.get(99)).as("drawn from the whole file, not its first rows").isGreaterThan(800);
        assertThat(first.stream().filter(i -> i >= 500).count()).as("both halves of a file sorted by class").isBetween(30L, 70L);
        assertThat(d.sample(f, 100, 1).rows().stream().map(r -> r[0]).toList()).isEqualTo(a.rows().stream().map(r -> r[0]).toList());
        assertThat(d.sample(f, 100, 2).rows().stream().map(r -> r[0]).toList()).isNotEqualTo(a.rows().stream().map(r -> r[0]).toList());
        assertThat(d.sample(f, 5000, 1).rows()).as("more than the file: all of it").hasSize(1000);
        assertThat(d.load(a).data().size()).isEqualTo(100);
    }

    @Test
    void readsTheRealNslKddFileThroughThePreset() throws Exception {
        Optional<Path> file = NslKdd.locateTrain20();
        assumeTrue(file.isPresent(), "NSL-KDD file beside the repository not found: skipped");
        DataDescription.Loaded l = DataDescription.preset("nsl-kdd").load(file.get(), 0);
        assertThat(l.data().size()).isEqualTo(25_192);
        assertThat(l.malformedRows()).isZero();
        assertThat(l.data().columnNames()).hasSize(41);
    }
}
