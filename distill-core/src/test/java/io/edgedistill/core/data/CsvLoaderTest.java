package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvLoaderTest {

    @Test
    void headerMappingDropsLabelAndColumnsAndParsesQuotes() throws Exception {
        String csv = "id,a,\"b, quoted\",kind,label\n"
                + "1,0.5,\"x,y\",tcp,Good\n"
                + "2,,\"he said \"\"hi\"\"\",udp,Bad\n"
                + "3,7,z,tcp,bad-unknown\n"
                + "4,1,2\n";
        ColumnMapping m = ColumnMapping.builder().labelColumn("label").drop("id").categorical("kind")
                .classOrder(List.of("Bad", "Good")).build();
        RawDataset d = CsvLoader.load(new StringReader(csv), m, Integer.MAX_VALUE);
        assertThat(d.columnNames()).containsExactly("a", "b, quoted", "kind");
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.skippedRows()).isEqualTo(2); // unknown class + short row
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.column("b, quoted")).containsExactly("x,y", "he said \"hi\"");
        assertThat(d.isMissing(d.column("a")[1])).isTrue();
        assertThat(d.categoricalHint()).containsExactly("kind");
    }

    @Test
    void noHeaderWithNamesLabelByIndexAndNormaliser() throws Exception {
        String csv = "1,tcp,smurf,3\n2,udp,normal,1\n3,tcp,ipsweep,9\n";
        ColumnMapping m = ColumnMapping.builder().header(false).columnNames(List.of("n", "proto", "lab", "diff"))
                .labelIndex(-2).drop("diff").labelNormalizer(NslKdd::category).build();
        RawDataset d = CsvLoader.load(new StringReader(csv), m, Integer.MAX_VALUE);
        assertThat(d.columnNames()).containsExactly("n", "proto");
        assertThat(d.classNames()).containsExactly("DoS", "Probe", "normal"); // sorted without class order
        assertThat(d.labels()).containsExactly(0, 2, 1);
        RawDataset sub = d.select(new int[]{2, 0});
        assertThat(sub.labels()).containsExactly(1, 0);
        assertThat(sub.column("n")).containsExactly("3", "1");
    }

    @Test
    void missingLabelColumnIsAnError() {
        ColumnMapping m = ColumnMapping.builder().labelColumn("nope").build();
        assertThatThrownBy(() -> CsvLoader.load(new StringReader("a,b\n1,2\n"), m, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void csvFormatRoundTrips() throws Exception {
        String[] cells = {"a", "b,c", "q\"uote", "", "multi\nline"};
        String line = Csv.formatLine(cells, ',');
        String[] back = new Csv.Reader(new StringReader(line + "\n"), ',').next();
        assertThat(back).containsExactly(cells);
    }
}
