package io.edgedistill.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal RFC 4180 CSV reading and writing: quoted fields, doubled quotes inside quotes, embedded
 * delimiters and newlines inside quotes, CRLF or LF line ends. Leading/trailing spaces are kept (the
 * caller trims when it wants to).
 */
public final class Csv {
    private Csv() {
    }

    /** Reads one record (possibly spanning lines when quoted); null at end of input. */
    public static String[] readRecord(BufferedReader in, char delim) throws IOException {
        String line = in.readLine();
        if (line == null) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        while (true) {
            int i = 0;
            int n = line.length();
            while (i < n) {
                char ch = line.charAt(i);
                if (quoted) {
                    if (ch == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        cur.append(ch);
                    }
                } else if (ch == '"' && cur.length() == 0) {
                    quoted = true;
                } else if (ch == delim) {
                    cells.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(ch);
                }
                i++;
            }
            if (!quoted) {
                break;
            }
            String next = in.readLine();
            if (next == null) {
                throw new IOException("unterminated quoted field at end of input");
            }
            cur.append('\n');
            line = next;
        }
        cells.add(cur.toString());
        return cells.toArray(new String[0]);
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
