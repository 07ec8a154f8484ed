package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npy} and {@code .npz} formats, so that arrays move between Kiln and NumPy or JAX
 * ({@code jnp.save}/{@code jnp.load}): the magic {@code \x93NUMPY}, format version 1.0 (2.0 when the
 * header is longer than 65535 bytes), a header dictionary of {@code descr}, {@code fortran_order}
 * and {@code shape} padded to a multiple of 64 bytes, then the elements in C order, little-endian.
 * {@code .npz} is a zip of {@code .npy} files, one per name.
 */
final class NpyFiles {
    private NpyFiles() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** NumPy's type string of each Kiln dtype (bfloat16 has none in NumPy itself). */
    private static String descr(DType d, String fn) {
        return switch (d) {
            case BOOL -> "|b1";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT64 -> "<i8";
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            default ->
                throw new DTypeException(fn + ": NumPy's .npy format has no " + d + " type (bfloat16 needs the"
                        + " ml_dtypes package on NumPy's side); convert with astype(DType.FLOAT32) first");
        };
    }

    private static DType dtypeOf(String descr, String fn, Object where) {
        String kind = descr.substring(1);
        DType d =
                switch (kind) {
                    case "b1" -> DType.BOOL;
                    case "i1" -> DType.INT8;
                    case "u1" -> DType.UINT8;
                    case "i2" -> DType.INT16;
                    case "u2" -> DType.UINT16;
                    case "i4" -> DType.INT32;
                    case "u4" -> DType.UINT32;
                    case "i8" -> DType.INT64;
                    case "f2" -> DType.FLOAT16;
                    case "f4" -> DType.FLOAT32;
                    case "f8" -> DType.FLOAT64;
                    default -> null;
                };
        if (d == null) {
            throw new DTypeException(fn + ": " + where + " holds NumPy type '" + descr + "', which Kiln has no dtype"
                    + " for (Kiln reads bool, int8-64, uint8-32 and float16-64); convert it in NumPy first");
        }
        return d;
    }

    static byte[] encode(Array a, String fn) {
        ArraySpec spec = a.spec();
        DType d = spec.dtype();
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < spec.rank(); i++) {
            shape.append(spec.shape()[i]).append(spec.rank() == 1 ? "," : i + 1 < spec.rank() ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + descr(d, fn) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        boolean v2 = unpadded + 64 > 65535;
        if (v2) {
            unpadded += 2;
        }
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int width = d.byteSize();
        int n = spec.size();
        ByteBuffer out = ByteBuffer.allocate(unpadded + pad + n * width).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            out.putInt(header.length());
        } else {
            out.putShort((short) header.length());
        }
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        HostBuffer h = a.toHost();
        Object data = h.data();
        for (int i = 0; i < n; i++) {
            switch (d) {
                case BOOL -> out.put((byte) (((boolean[]) data)[i] ? 1 : 0));
                case INT8, UINT8 -> out.put((byte) ((int[]) data)[i]);
                case INT16, UINT16 -> out.putShort((short) ((int[]) data)[i]);
                case INT32, UINT32 -> out.putInt(((int[]) data)[i]);
                case INT64 -> out.putLong(((long[]) data)[i]);
                case FLOAT16 -> out.putShort(Float.floatToFloat16(((float[]) data)[i]));
                case FLOAT32 -> out.putFloat(((float[]) data)[i]);
                case FLOAT64 -> out.putDouble(((double[]) data)[i]);
                default -> throw new IllegalStateException(d.toString());
            }
        }
        return out.array();
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z]\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static Array decode(byte[] bytes, String fn, Object where) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (bytes.length < 10 || in.get() != m) {
                throw new KilnException(fn + ": " + where + " is not a .npy file (it does not start with"
                        + " \\x93NUMPY); pass a file written by numpy.save, jnp.save or Np.save");
            }
        }
        int major = in.get();
        in.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : in.getInt();
        if (major < 1 || major > 3 || headerLength < 0 || in.position() + headerLength > bytes.length) {
            throw new KilnException(fn + ": " + where + " has a .npy header Kiln cannot read (format version " + major
                    + ", header of " + headerLength + " bytes in a file of " + bytes.length + ")");
        }
        String header = new String(bytes, in.position(), headerLength, StandardCharsets.ISO_8859_1);
        in.position(in.position() + headerLength);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new KilnException(fn + ": " + where + " has a .npy header without descr, fortran_order and"
                    + " shape: " + header.strip() + " (structured arrays are not supported)");
        }
        DType d = dtypeOf(descr.group(1) + descr.group(2), fn, where);
        if (descr.group(1).equals(">") && d.byteSize() > 1) {
            in.order(ByteOrder.BIG_ENDIAN);
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : shapeText.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Integer.parseInt(part.strip()));
            }
        }
        boolean fortranOrder = fortran.group(1).equals("True");
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        // a Fortran-ordered file holds the transpose in C order
        int[] stored = fortranOrder ? reversed(shape) : shape;
        ArraySpec spec = ArraySpec.of(d, stored);
        int n = spec.size();
        if ((long) n * d.byteSize() > in.remaining()) {
            throw new KilnException(fn + ": " + where + " is truncated: its header says " + d + " " + dims + " ("
                    + (long) n * d.byteSize() + " bytes) but " + in.remaining() + " bytes follow");
        }
        Array a = elements(in, spec);
        return fortranOrder && shape.length > 1 ? Np.transpose(a) : a;
    }

    /** The {@code spec.size()} elements of {@code spec}'s dtype that {@code in} holds next, as an array. */
    static Array elements(ByteBuffer in, ArraySpec spec) {
        DType d = spec.dtype();
        int n = spec.size();
        HostBuffer h = HostBuffer.allocate(spec);
        Object data = h.data();
        for (int i = 0; i < n; i++) {
            switch (d) {
                case BOOL -> ((boolean[]) data)[i] = in.get() != 0;
                case INT8 -> ((int[]) data)[i] = in.get();
                case UINT8 -> ((int[]) data)[i] = Byte.toUnsignedInt(in.get());
                case INT16 -> ((int[]) data)[i] = in.getShort();
                case UINT16 -> ((int[]) data)[i] = Short.toUnsignedInt(in.getShort());
                case INT32, UINT32 -> ((int[]) data)[i] = in.getInt();
                case INT64 -> ((long[]) data)[i] = in.getLong();
                case FLOAT16 -> ((float[]) data)[i] = Float.float16ToFloat(in.getShort());
                case BFLOAT16 -> ((float[]) data)[i] = Float.intBitsToFloat(Short.toUnsignedInt(in.getShort()) << 16);
                case FLOAT32 -> ((float[]) data)[i] = in.getFloat();
                case FLOAT64 -> ((double[]) data)[i] = in.getDouble();
                default -> throw new IllegalStateException(d.toString());
            }
        }
        return Dispatch.fromHost(h);
    }

    /** {@code jnp.frombuffer}: the bytes as elements of {@code dtype}, little-endian. */
    static Array frombuffer(byte[] buffer, DType dtype, int count, int offset) {
        int width = dtype.byteSize();
        if (offset < 0 || offset > buffer.length) {
            throw new IndexException("frombuffer: offset " + offset + " is outside the buffer of " + buffer.length
                    + " bytes; pass 0 <= offset <= the buffer's length");
        }
        int available = buffer.length - offset;
        int n;
        if (count < 0) {
            if (available % width != 0) {
                throw new ShapeException("frombuffer: " + available + " bytes after offset " + offset
                        + " are not a whole number of " + dtype + " elements (" + width + " bytes each); the buffer"
                        + " size must be a multiple of the element size, as in NumPy");
            }
            n = available / width;
        } else {
            if ((long) count * width > available) {
                throw new ShapeException("frombuffer: " + count + " " + dtype + " elements need " + (long) count * width
                        + " bytes but " + available + " follow offset " + offset + "; the buffer is smaller than"
                        + " requested");
            }
            n = count;
        }
        ByteBuffer in = ByteBuffer.wrap(buffer, offset, n * width).order(ByteOrder.LITTLE_ENDIAN);
        return elements(in, ArraySpec.of(dtype, n));
    }

    /** {@code jnp.fromstring} with a separator: the numbers in {@code text}, as {@code dtype}. */
    static Array fromstring(String text, DType dtype, int count, String sep) {
        if (sep.isEmpty()) {
            throw new KilnException("fromstring: an empty separator asks for NumPy's removed binary mode; pass the"
                    + " separator of the text (\" \" for whitespace), or use Np.frombuffer for bytes");
        }
        String body = text.strip();
        List<String> tokens = new ArrayList<>();
        if (!body.isEmpty()) {
            String[] parts = sep.isBlank() ? body.split("\\s+") : body.split(Pattern.quote(sep.strip()), -1);
            for (String t : parts) {
                tokens.add(t.strip());
            }
        }
        int n = count < 0 ? tokens.size() : count;
        if (n > tokens.size()) {
            throw new ShapeException("fromstring: " + count + " numbers were asked for but the text holds "
                    + tokens.size() + "; pass count=-1 to read them all");
        }
        // parsed as NumPy does (strtod to a double, integers as 64-bit), then converted to the dtype
        DType parsed = dtype.isFloating() ? DType.FLOAT64 : dtype.isNarrow() ? DType.INT64 : dtype;
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(parsed, n));
        Object data = h.data();
        for (int i = 0; i < n; i++) {
            String t = tokens.get(i);
            try {
                switch (parsed) {
                    case BOOL -> ((boolean[]) data)[i] = Long.parseLong(t) != 0;
                    case INT32, UINT32 -> ((int[]) data)[i] = (int) Long.parseLong(t);
                    case INT64 -> ((long[]) data)[i] = Long.parseLong(t);
                    case FLOAT32 -> ((float[]) data)[i] = (float) parseFloat(t);
                    case FLOAT64 -> ((double[]) data)[i] = parseFloat(t);
                    default -> throw new IllegalStateException(dtype.toString());
                }
            } catch (NumberFormatException e) {
                throw new KilnException("fromstring: '" + t + "' (number " + i + ") is not a " + dtype + " value; the"
                        + " text could not be read to its end, as NumPy says: give numbers separated by '" + sep
                        + "'");
            }
        }
        Array a = Dispatch.fromHost(h);
        return parsed == dtype ? a : a.astype(dtype);
    }

    private static double parseFloat(String t) {
        String l = t.toLowerCase(java.util.Locale.ROOT);
        return switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan" -> Double.NaN;
            default -> {
                if (l.endsWith("f") || l.endsWith("d")) {
                    throw new NumberFormatException(t); // Java's suffixes are not numbers in NumPy's text
                }
                yield Double.parseDouble(t);
            }
        };
    }

    private static int[] reversed(int[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[s.length - 1 - i];
        }
        return r;
    }

    static void save(Path file, Array a) {
        byte[] bytes = encode(a, "save");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new KilnException("save: cannot write " + file + ": " + e + "; name a file the process can write", e);
        }
    }

    static Array load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KilnException("load: cannot read " + file + ": " + e + "; name an existing .npy file", e);
        }
        return decode(bytes, "load", file);
    }

    static void savez(Path file, Map<String, Array> arrays, boolean compressed) {
        String fn = compressed ? "savezCompressed" : "savez";
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, Array> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new KilnException(fn + ": an array has an empty name; name each array (it becomes <name>.npy)");
            }
            if (e.getValue() == null) {
                throw new NullPointerException("arrays[" + e.getKey() + "]");
            }
            encoded.put(e.getKey(), encode(e.getValue(), fn));
        }
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.setLevel(
                    compressed ? java.util.zip.Deflater.DEFAULT_COMPRESSION : java.util.zip.Deflater.NO_COMPRESSION);
            for (Map.Entry<String, byte[]> e : encoded.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                if (!compressed) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new KilnException(
                    fn + ": cannot write " + file + ": " + e + "; name a file the process can write", e);
        }
    }

    static Map<String, Array> loadz(Path file) {
        Map<String, Array> out = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            boolean any = false;
            while ((e = zip.getNextEntry()) != null) {
                any = true;
                String name = e.getName();
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                zip.transferTo(b);
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                out.put(key, decode(b.toByteArray(), "loadNpz", file + "!" + name));
            }
            if (!any) {
                throw new KilnException("loadNpz: " + file + " is not an .npz file (no zip entries); pass a file"
                        + " written by numpy.savez, jnp.savez or Np.savez");
            }
        } catch (IOException ex) {
            throw new KilnException("loadNpz: cannot read " + file + ": " + ex + "; name an existing .npz file", ex);
        }
        return out;
    }
}
