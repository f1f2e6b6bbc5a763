package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    private static RawDataset toy(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String[]> rows = new ArrayList<>();
        String[] protos = {"tcp", "udp", "icmp"};
        for (int i = 0; i < n; i++) {
            int cls = r.nextInt(2);
            double heavy = Sampling.pareto(r, 1, 1.1);
            double gauss = Sampling.normal(r, cls * 2, 1);
            String miss = r.nextDouble() < 0.2 ? "" : Double.toString(5 + r.nextDouble());
            rows.add(new String[]{Integer.toString(i), Integer.toString(i * 7), protos[r.nextInt(3)],
                Double.toString(heavy), Double.toString(gauss), miss, "const", cls == 0 ? "a" : "b"});
        }
        ColumnMapping m = ColumnMapping.builder().labelColumn("label").categorical("Proto").build();
        return CsvLoader.fromRows(List.of("Seq", "Offset", "Proto", "heavy", "gauss", "sometimes", "k", "label"),
                rows, m);
    }

    @Test
    void dropsLeakyOneHotsLogsAndStandardises() {
        RawDataset raw = toy(4000, 1);
        FeatureSpec spec = Preprocessor.fit(raw);
        Map<String, String> dropped = spec.droppedColumns();
        assertThat(dropped).containsEntry("Seq", "leaky").containsEntry("Offset", "leaky").containsEntry("k", "constant");
        assertThat(spec.featureNames().subList(0, 3)).containsExactlyInAnyOrder("Proto=icmp", "Proto=tcp", "Proto=udp");
        assertThat(spec.featureNames().subList(3, 7)).containsExactly("heavy", "gauss", "sometimes", "sometimes#missing");
        FeatureSpec.ColumnSpec heavy = spec.columns().get(3);
        FeatureSpec.ColumnSpec gauss = spec.columns().get(4);
        assertThat(heavy.log1p).isTrue();
        assertThat(gauss.log1p).isFalse();
        Dataset d = spec.transform(raw);
        int j = spec.featureNames().indexOf("gauss");
        double s = 0;
        double ss = 0;
        for (int i = 0; i < d.size(); i++) {
            s += d.get(i, j);
            ss += d.get(i, j) * d.get(i, j);
        }
        assertThat(s / d.size()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(ss / d.size()).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-3));
        // one-hot rows sum to 1
        for (int i = 0; i < 20; i++) {
            assertThat(d.get(i, 0) + d.get(i, 1) + d.get(i, 2)).isEqualTo(1f);
        }
    }

    @Test
    void missingGetsTheMedianAndUnknownCategoriesAreZeros() {
        RawDataset raw = toy(1000, 2);
        FeatureSpec spec = Preprocessor.fit(raw);
        FeatureSpec.ColumnSpec some = spec.columns().get(5);
        float[] v = spec.transformRecord(Map.of("Proto", "sctp", "heavy", "1", "gauss", "0", "sometimes", ""));
        assertThat(v[0] + v[1] + v[2]).isZero();
        int j = spec.featureNames().indexOf("sometimes");
        assertThat((double) v[j]).isEqualTo((float) FeatureSpec.scale(some, some.median, spec.clip()));
        assertThat(v[j + 1]).isEqualTo(1f);
        assertThat(some.median).isBetween(5.0, 6.0);
    }

    @Test
    void specTravelsAsJsonAndTransformsBitIdentically() {
        RawDataset raw = toy(3000, 3);
        Splits.TrainTest tt = Splits.stratified(raw.labels(), raw.numClasses(), 0.25, 9);
        FeatureSpec spec = Preprocessor.fit(raw.select(tt.train()));
        String json = spec.toJson();
        FeatureSpec back = FeatureSpec.fromJson(json);
        assertThat(back).isEqualTo(spec);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.transform(raw.select(tt.test())).x()).isEqualTo(spec.transform(raw.select(tt.test())).x());
    }

    @Test
    void generated5gNiddSpecRoundTripsAndDropsSeqAndOffset() {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = 30;
        List<String[]> rows = new FiveGNiddGenerator(11, cfg).generate(4000);
        // keep Seq and Offset in the table to check that the preprocessor drops them by itself
        ColumnMapping m = FiveGNiddSchema.mapping().toBuilder().drop(List.of()).build();
        ColumnMapping keepLeaky = ColumnMapping.builder().labelColumn("Attack Type")
                .categorical(FiveGNiddSchema.CATEGORICAL).drop("Label", "Attack Tool")
                .classOrder(FiveGNiddSchema.CLASSES).build();
        RawDataset raw = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, rows, keepLeaky);
        assertThat(raw.columnNames()).contains("Seq", "Offset");
        FeatureSpec spec = Preprocessor.fit(raw);
        assertThat(spec.droppedColumns()).containsEntry("Seq", "leaky").containsEntry("Offset", "leaky")
                .containsEntry("", "leaky");
        assertThat(spec.featureNames()).noneMatch(f -> f.startsWith("Seq") || f.startsWith("Offset"));
        FeatureSpec.ColumnSpec srcBytes = spec.columns().get(raw.columnIndex("SrcBytes"));
        assertThat(srcBytes.log1p).isTrue();
        Dataset d = spec.transform(raw);
        assertThat(FeatureSpec.fromJson(spec.toJson()).transform(raw).x()).isEqualTo(d.x());
        for (float f : d.x()) {
            assertThat(Float.isFinite(f)).isTrue();
        }
        assertThat(m.drop()).isNotEmpty(); // the preset keeps its own drop list
    }

    @Test
    void transformRequiresTheSpecColumns() {
        RawDataset raw = toy(200, 4);
        FeatureSpec spec = Preprocessor.fit(raw);
        RawDataset other = CsvLoader.fromRows(List.of("x", "label"), List.<String[]>of(new String[]{"1", "a"}),
                ColumnMapping.builder().labelColumn("label").build());
        assertThatThrownBy(() -> spec.transform(other)).hasMessageContaining("heavy");
    }
}
