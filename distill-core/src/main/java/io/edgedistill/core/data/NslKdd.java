package io.edgedistill.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Preset for the NSL-KDD text files ({@code KDDTrain+.txt}, {@code KDDTrain+_20Percent.txt},
 * {@code KDDTest+.txt}): no header; 41 features, then {@code label} (attack name or {@code normal}) and
 * {@code difficulty} (dropped: it is an annotation, not a feature). Categoricals: {@code protocol_type},
 * {@code service}, {@code flag}.
 *
 * <p>Labels are mapped to the five standard categories (Tavallaee et al. 2009 / the KDD'99 taxonomy):
 * <ul>
 *   <li><b>normal</b>: normal</li>
 *   <li><b>DoS</b>: back, land, neptune, pod, smurf, teardrop, apache2, mailbomb, processtable, udpstorm</li>
 *   <li><b>Probe</b>: ipsweep, nmap, portsweep, satan, mscan, saint</li>
 *   <li><b>R2L</b>: ftp_write, guess_passwd, imap, multihop, phf, spy, warezclient, warezmaster, sendmail,
 *       named, snmpgetattack, snmpguess, xlock, xsnoop, worm</li>
 *   <li><b>U2R</b>: buffer_overflow, loadmodule, perl, rootkit, ps, sqlattack, xterm, httptunnel</li>
 * </ul>
 * (httptunnel and worm occur only in the test file and are classed differently by some authors; the
 * training files contain only the 22 classic attacks.) The table itself lives in the {@code nsl-kdd} preset.
 */
public final class NslKdd {
    private NslKdd() {
    }

    public static final List<String> FEATURES = List.of(
            "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land",
            "wrong_fragment", "urgent", "hot", "num_failed_logins", "logged_in", "num_compromised",
            "root_shell", "su_attempted", "num_root", "num_file_creations", "num_shells", "num_access_files",
            "num_outbound_cmds", "is_host_login", "is_guest_login", "count", "srv_count", "serror_rate",
            "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate", "diff_srv_rate",
            "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate",
            "dst_host_diff_srv_rate", "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate",
            "dst_host_serror_rate", "dst_host_srv_serror_rate", "dst_host_rerror_rate",
            "dst_host_srv_rerror_rate");

    /** All 43 columns of the file. */
    public static final List<String> COLUMNS;

    static {
        List<String> c = new ArrayList<>(FEATURES);
        c.add("label");
        c.add("difficulty");
        COLUMNS = List.copyOf(c);
    }

    public static final List<String> CATEGORIES = List.of("normal", "DoS", "Probe", "R2L", "U2R");

    /** The {@code nsl-kdd} preset ({@code presets/nsl-kdd.yaml}), where the attack names are listed per category. */
    public static DataDescription description() {
        return DataDescription.preset("nsl-kdd");
    }

    /** The category of a raw label (tolerates a trailing '.' as in KDD'99 files); null when unknown. */
    public static String category(String rawLabel) {
        return description().className(rawLabel);
    }

    /** Mapping: no header, {@link #COLUMNS}, label → 5 categories, difficulty dropped. */
    public static ColumnMapping mapping() {
        return description().mapping();
    }

    /** Mapping that keeps the raw attack names as classes (sorted), for finer-grained experiments. */
    public static ColumnMapping rawLabelMapping() {
        return mapping().toBuilder().labelNormalizer(String::trim).classOrder(null).build();
    }

    /** The shared 20 % training file, found by walking up from the working directory. */
    public static Optional<Path> locateTrain20() {
        return DatasetLocator.findShared("datasets/nsl-kdd/KDDTrain+_20Percent.txt");
    }

    public static RawDataset load(Path file) throws IOException {
        return CsvLoader.load(file, mapping());
    }
}
