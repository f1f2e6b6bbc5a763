package io.edgedistill.core.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Versioned binary format of an {@link MlpModel} (all big-endian):
 * <pre>
 *   4 bytes  magic "EDMD"
 *   u16      format version (1)
 *   u8       activation between layers (1 = ReLU)
 *   u8       reserved (0)
 *   u32      L = number of weight layers (1..64)
 *   u32[L+1] layer sizes d_in, h_1, …, C (each 1..2^20)
 *   per layer: f32[in·out] weights row-major, f32[out] biases
 *   32 bytes SHA-256 of every preceding byte
 * </pre>
 * Reading rejects wrong magic, unknown versions, implausible shapes, wrong length and checksum mismatch.
 * The trailing hash protects against corruption only; authenticity is the job of the signature carried
 * with the model update.
 */
public final class ModelFormat {
    /** "EDMD". */
    public static final int MAGIC = 0x45444D44;
    /** Current format version. */
    public static final int VERSION = 1;
    private static final int ACT_RELU = 1;
    private static final int MAX_LAYERS = 64;
    private static final int MAX_WIDTH = 1 << 20;
    private static final long MAX_PARAMS = 1L << 28;

    private ModelFormat() {
    }

    /** Serialises a model. */
    public static byte[] write(MlpModel model) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) model.sizeBytes() + 128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeByte(ACT_RELU);
            out.writeByte(0);
            int[] sizes = model.layerSizes();
            out.writeInt(model.numLayers());
            for (int s : sizes) {
                out.writeInt(s);
            }
            for (int i = 0; i < model.numLayers(); i++) {
                for (float v : model.weights(i)) {
                    out.writeFloat(v);
                }
                for (float v : model.biases(i)) {
                    out.writeFloat(v);
                }
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] hash = sha256(body);
            byte[] all = Arrays.copyOf(body, body.length + hash.length);
            System.arraycopy(hash, 0, all, body.length, hash.length);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and verifies model bytes. */
    public static MlpModel read(byte[] data) throws ModelFormatException {
        if (data == null || data.length < 4 + 2 + 2 + 4 + 32) {
            throw new ModelFormatException("too short to be a model");
        }
        int bodyLen = data.length - 32;
        byte[] expected = sha256(Arrays.copyOf(data, bodyLen));
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(data, bodyLen, data.length))) {
            throw new ModelFormatException("SHA-256 checksum mismatch: model bytes are corrupted");
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, bodyLen);
        try {
            if (in.getInt() != MAGIC) {
                throw new ModelFormatException("bad magic: not an EdgeDistill model");
            }
            int version = Short.toUnsignedInt(in.getShort());
            if (version != VERSION) {
                throw new ModelFormatException("unsupported model format version " + version);
            }
            int act = Byte.toUnsignedInt(in.get());
            in.get();
            if (act != ACT_RELU) {
                throw new ModelFormatException("unsupported activation code " + act);
            }
            int layers = in.getInt();
            if (layers < 1 || layers > MAX_LAYERS) {
                throw new ModelFormatException("implausible layer count " + layers);
            }
            int[] sizes = new int[layers + 1];
            long params = 0;
            for (int i = 0; i <= layers; i++) {
                sizes[i] = in.getInt();
                if (sizes[i] < 1 || sizes[i] > MAX_WIDTH) {
                    throw new ModelFormatException("implausible layer size " + sizes[i]);
                }
                if (i > 0) {
                    params += (long) sizes[i - 1] * sizes[i] + sizes[i];
                }
            }
            if (params > MAX_PARAMS || in.remaining() != params * 4) {
                throw new ModelFormatException("payload length " + in.remaining() + " does not match architecture "
                        + Arrays.toString(sizes));
            }
            float[][] w = new float[layers][];
            float[][] b = new float[layers][];
            for (int i = 0; i < layers; i++) {
                w[i] = new float[sizes[i] * sizes[i + 1]];
                in.asFloatBuffer().get(w[i]);
                in.position(in.position() + 4 * w[i].length);
                b[i] = new float[sizes[i + 1]];
                in.asFloatBuffer().get(b[i]);
                in.position(in.position() + 4 * b[i].length);
            }
            return new MlpModel(sizes, w, b);
        } catch (BufferUnderflowException e) {
            throw new ModelFormatException("truncated model bytes");
        }
    }

    /** SHA-256 digest. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** SHA-256 as lower-case hex (for the model update record). */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }
}
