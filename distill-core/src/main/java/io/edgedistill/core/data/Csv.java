package io.edgedistill.core.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * RFC 4180 CSV: reading through Apache Commons CSV ({@link Reader}), writing by {@link #formatLine}.
 *
 * <p>The dialect read is the one the hand-written reader before it accepted, so the same files give the same
 * cells: quoted fields with doubled quotes, delimiters and line breaks inside quotes, CRLF / LF / CR line
 * ends, a quote only opening a quoted field at the start of a cell (elsewhere it is an ordinary character),
 * text after a closing quote kept ({@code "ab"c} is {@code abc}), blank lines returned as one empty cell,
 * leading and trailing spaces kept (the caller trims). Line breaks inside a quoted cell come back as
 * {@code \n} whatever the file uses, as they always did.
 *
 * <p>{@link #formatLine} stays hand-written: it quotes only cells holding the delimiter, a quote or a line
 * break, while Commons CSV's minimal quoting also quotes an empty first cell and cells starting with a
 * character up to {@code #} or ending in a space; switching would change the bytes of every file
 * {@link FiveGNiddGenerator} writes for a given seed.
 */
public final class Csv {
    private Csv() {
    }

    /** The records of a character stream, one at a time; closing it closes the stream. */
    public static final class Reader implements Closeable {
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;

        /** Records of {@code in}, cells separated by {@code delim}. */
        public Reader(java.io.Reader in, char delim) throws IOException {
            CSVFormat format = CSVFormat.RFC4180.builder()
                    .setDelimiter(delim)
                    .setIgnoreEmptyLines(false) // a blank line is a record of one empty cell
                    .setTrailingData(true)      // "ab"c reads as abc
                    .get();
            this.parser = CSVParser.parse(in, format);
            this.records = parser.iterator();
        }

        /** The next record's cells; null at end of input. IOException on an unterminated quoted field. */
        public String[] next() throws IOException {
            try {
                if (!records.hasNext()) {
                    return null;
                }
                String[] cells = records.next().values();
                for (int i = 0; i < cells.length; i++) {
                    if (cells[i].indexOf('\r') >= 0) { // only inside quotes: a CR ends a record elsewhere
                        cells[i] = cells[i].replace("\r\n", "\n").replace('\r', '\n');
                    }
                }
                return cells;
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** Formats one record, quoting cells that contain the delimiter, quotes or line breaks. */
    public static String formatLine(String[] cells, char delim) {
        StringBuilder sb = new StringBuilder(cells.length * 8);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(delim);
            }
            String c = cells[i] == null ? "" : cells[i];
            boolean q = c.indexOf(delim) >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0;
            if (q) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
