package org.diffusionij.io.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.diffusionij.io.AtomicFiles;

/**
 * Writes safetensors files byte for byte as the reference implementation does, so that diffusers reads what
 * we save and a saved file can be compared with one diffusers wrote: tensors sorted by descending dtype
 * alignment then by name, data contiguous in that order, compact JSON header ({@code __metadata__} first, then
 * {@code dtype}, {@code shape}, {@code data_offsets}) padded with spaces to a multiple of 8. diffusers'
 * {@code save_pretrained} adds the metadata {@code {"format":"pt"}} ({@link #diffusersMetadata()}).
 * <p>
 * Tensors are added as sources and copied to the file one at a time when {@link #write} runs, so a large model
 * is never duplicated in memory. The file is written to a temporary sibling and moved into place.
 */
public final class SafetensorsWriter {

	/** Produces a tensor's little-endian bytes when the file is written. */
	private interface Source {
		ByteBuffer bytes();
	}

	private static final class Pending {

		final String name;
		final TensorInfo.DType dtype;
		final long[] shape;
		final long length;
		final Source source;

		Pending(String name, TensorInfo.DType dtype, long[] shape, long length, Source source) {
			this.name = name;
			this.dtype = dtype;
			this.shape = shape.clone();
			this.length = length;
			this.source = source;
		}
	}

	private static final Map<DataType, TensorInfo.DType> FROM_DJL = new HashMap<>();
	static {
		FROM_DJL.put(DataType.FLOAT64, TensorInfo.DType.F64);
		FROM_DJL.put(DataType.FLOAT32, TensorInfo.DType.F32);
		FROM_DJL.put(DataType.FLOAT16, TensorInfo.DType.F16);
		FROM_DJL.put(DataType.INT64, TensorInfo.DType.I64);
		FROM_DJL.put(DataType.INT32, TensorInfo.DType.I32);
		FROM_DJL.put(DataType.INT8, TensorInfo.DType.I8);
		FROM_DJL.put(DataType.UINT8, TensorInfo.DType.U8);
		FROM_DJL.put(DataType.BOOLEAN, TensorInfo.DType.BOOL);
	}

	private final Map<String, Pending> tensors = new HashMap<>();
	private final Map<String, String> metadata = new TreeMap<>();

	/** The metadata diffusers' and transformers' {@code save_pretrained} write. */
	public static Map<String, String> diffusersMetadata() {
		Map<String, String> m = new TreeMap<>();
		m.put("format", "pt");
		return m;
	}

	/** Adds {@code __metadata__} entries (written in key order; the reference writes a hash map's order). */
	public SafetensorsWriter metadata(Map<String, String> entries) {
		for (Map.Entry<String, String> e : entries.entrySet()) {
			if (e.getKey() == null || e.getValue() == null) {
				throw new IllegalArgumentException("Safetensors metadata needs a string key and value: " + e);
			}
			metadata.put(e.getKey(), e.getValue());
		}
		return this;
	}

	/**
	 * An NDArray in its own dtype (float32, float16, float64, int64, int32, int8, uint8, boolean). Its bytes are
	 * copied when {@link #write} runs, so it must stay open until then.
	 */
	public SafetensorsWriter add(String name, NDArray array) {
		TensorInfo.DType dtype = FROM_DJL.get(array.getDataType());
		if (dtype == null) {
			throw new IllegalArgumentException("Tensor " + name + " has data type " + array.getDataType() +
				", which safetensors files of this plugin do not hold; convert it to float32 first");
		}
		long[] shape = array.getShape().getShape();
		return put(new Pending(name, dtype, shape, length(name, shape, dtype), array::toByteBuffer));
	}

	/** Float32 values, row-major. */
	public SafetensorsWriter add(String name, float[] data, long... shape) {
		long n = check(name, data.length, shape, TensorInfo.DType.F32);
		return put(new Pending(name, TensorInfo.DType.F32, shape, n, () -> {
			ByteBuffer b = little(n);
			b.asFloatBuffer().put(data);
			return b;
		}));
	}

	/** Float32 values stored as float16 (rounded to nearest even, as torch's {@code .half()}). */
	public SafetensorsWriter addHalf(String name, float[] data, long... shape) {
		long n = check(name, data.length, shape, TensorInfo.DType.F16);
		return put(new Pending(name, TensorInfo.DType.F16, shape, n, () -> {
			ByteBuffer b = little(n);
			for (float f : data) b.putShort(HalfFloats.floatToHalf(f));
			b.flip();
			return b;
		}));
	}

	/** Int64 values, row-major. */
	public SafetensorsWriter add(String name, long[] data, long... shape) {
		long n = check(name, data.length, shape, TensorInfo.DType.I64);
		return put(new Pending(name, TensorInfo.DType.I64, shape, n, () -> {
			ByteBuffer b = little(n);
			b.asLongBuffer().put(data);
			return b;
		}));
	}

	/** Writes the file (temporary sibling, then moved into place). */
	public void write(Path file) throws IOException {
		List<Pending> order = SafetensorsLayout.sorted(tensors.values(), p -> p.dtype, p -> p.name);
		List<long[]> offsets = new ArrayList<>();
		long offset = 0;
		for (Pending p : order) {
			offsets.add(new long[] { offset, offset + p.length });
			offset += p.length;
		}
		StringBuilder json = new StringBuilder("{");
		if (!metadata.isEmpty()) SafetensorsLayout.appendMetadata(json, metadata);
		for (int i = 0; i < order.size(); i++) {
			if (json.length() > 1) json.append(',');
			Pending p = order.get(i);
			SafetensorsLayout.appendEntry(json, p.name, p.dtype, p.shape, offsets.get(i));
		}
		json.append('}');
		byte[] header = SafetensorsLayout.padded(json.toString().getBytes(StandardCharsets.UTF_8));
		AtomicFiles.write(file, ch -> {
			ByteBuffer len = little(8).putLong(0, header.length);
			writeAll(ch, len);
			writeAll(ch, ByteBuffer.wrap(header));
			for (Pending p : order) {
				ByteBuffer b = p.source.bytes().order(ByteOrder.LITTLE_ENDIAN);
				if (b.remaining() != p.length) {
					throw new IOException("Tensor " + p.name + " gave " + b.remaining() + " bytes, expected " +
						p.length);
				}
				writeAll(ch, b);
			}
		});
	}

	private SafetensorsWriter put(Pending p) {
		if (p.name.equals("__metadata__")) throw new IllegalArgumentException("__metadata__ is not a tensor name");
		if (tensors.putIfAbsent(p.name, p) != null) {
			throw new IllegalArgumentException("Tensor " + p.name + " was added twice");
		}
		return this;
	}

	private static long check(String name, int values, long[] shape, TensorInfo.DType dtype) {
		long n = length(name, shape, dtype);
		if (n != (long) values * dtype.bytes) {
			throw new IllegalArgumentException("Tensor " + name + " has " + values + " values, but its shape " +
				Arrays.toString(shape) + " needs " + n / dtype.bytes);
		}
		return n;
	}

	private static long length(String name, long[] shape, TensorInfo.DType dtype) {
		long n = dtype.bytes;
		for (long d : shape) {
			if (d < 0) throw new IllegalArgumentException("Tensor " + name + " has a negative dimension");
			n = Math.multiplyExact(n, d);
		}
		return n;
	}

	private static ByteBuffer little(long n) {
		return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
	}

	private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
		while (b.hasRemaining()) ch.write(b);
	}
}
