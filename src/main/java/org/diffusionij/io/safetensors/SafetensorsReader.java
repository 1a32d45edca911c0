package org.diffusionij.io.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;

/**
 * Reads safetensors files (the format of diffusers' {@code *.safetensors}) without DJL's decoder: tensors are
 * memory-mapped one at a time with long offsets, so files over 2 GB work, and F16/BF16/F64 are converted to
 * float32 in Java (BF16 arrays abort DJL's PyTorch engine). The header is validated by {@link
 * SafetensorsHeader} before any offset in it is trusted.
 */
public final class SafetensorsReader implements Closeable {

	private final Path path;
	private final FileChannel channel;
	private final long dataStart;
	private final Map<String, TensorInfo> tensors;
	private final Map<String, String> metadata;

	private SafetensorsReader(Path path, FileChannel channel, SafetensorsHeader header) {
		this.path = path;
		this.channel = channel;
		this.dataStart = header.dataStart;
		this.tensors = Collections.unmodifiableMap(header.tensors);
		this.metadata = Collections.unmodifiableMap(header.metadata);
	}

	/** Opens and validates a file; the caller closes the reader. */
	public static SafetensorsReader open(Path path) throws IOException {
		FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
		try {
			return new SafetensorsReader(path, ch, SafetensorsHeader.read(path, ch));
		}
		catch (IOException | RuntimeException e) {
			ch.close();
			throw e;
		}
	}

	public Path path() {
		return path;
	}

	/** Tensor entries in file header order. */
	public Map<String, TensorInfo> tensors() {
		return tensors;
	}

	public Map<String, String> metadata() {
		return metadata;
	}

	public boolean has(String name) {
		return tensors.containsKey(name);
	}

	public TensorInfo info(String name) throws SafetensorsException {
		TensorInfo t = tensors.get(name);
		if (t == null) throw new SafetensorsException(path.getFileName() + " has no tensor named '" + name + "'");
		return t;
	}

	/** The tensor's raw bytes (little-endian, as stored). */
	public ByteBuffer bytes(String name) throws IOException {
		TensorInfo t = info(name);
		long length = t.byteLength();
		if (length > Integer.MAX_VALUE - 8) {
			throw new SafetensorsException(name + " in " + path.getFileName() + " is larger than 2 GB; " +
				"a single tensor of that size is not supported");
		}
		if (dataStart + t.end > channel.size()) {
			// touching a mapping past the end of a file that shrank would crash the JVM instead of failing
			throw new SafetensorsException(path.getFileName() + " became shorter after it was opened; " +
				"another program changed it while it was being read");
		}
		ByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin, length);
		return b.order(ByteOrder.LITTLE_ENDIAN);
	}

	/** A floating-point tensor converted to float32, row-major. */
	public float[] floats(String name) throws IOException {
		TensorInfo t = info(name);
		ByteBuffer b = bytes(name);
		int n = (int) t.elementCount();
		float[] out = new float[n];
		switch (t.dtype) {
			case F32:
				b.asFloatBuffer().get(out);
				break;
			case F64:
				for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8);
				break;
			case F16:
				for (int i = 0; i < n; i++) out[i] = HalfFloats.halfToFloat(b.getShort(i * 2));
				break;
			case BF16:
				for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
				break;
			default:
				throw new SafetensorsException(name + " in " + path.getFileName() + " is " + t.dtype +
					", not a floating-point tensor");
		}
		return out;
	}

	/** A floating-point tensor as float64 (exact for F64, widened otherwise). */
	public double[] doubles(String name) throws IOException {
		TensorInfo t = info(name);
		if (t.dtype == TensorInfo.DType.F64) {
			double[] out = new double[(int) t.elementCount()];
			bytes(name).asDoubleBuffer().get(out);
			return out;
		}
		float[] f = floats(name);
		double[] out = new double[f.length];
		for (int i = 0; i < f.length; i++) out[i] = f[i];
		return out;
	}

	/** An integer tensor (I64, I32, I16, I8, U8, BOOL) widened to long. */
	public long[] longs(String name) throws IOException {
		TensorInfo t = info(name);
		ByteBuffer b = bytes(name);
		int n = (int) t.elementCount();
		long[] out = new long[n];
		switch (t.dtype) {
			case I64:
				LongBuffer lb = b.asLongBuffer();
				lb.get(out);
				break;
			case I32:
				for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4);
				break;
			case I16:
				for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2);
				break;
			case I8:
			case BOOL:
				for (int i = 0; i < n; i++) out[i] = b.get(i);
				break;
			case U8:
				for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff;
				break;
			default:
				throw new SafetensorsException(name + " in " + path.getFileName() + " is " + t.dtype +
					", not an integer tensor");
		}
		return out;
	}

	/** The tensor as an NDArray in {@code manager}: float32 for floating types, int64 for integer types. */
	public NDArray array(String name, NDManager manager) throws IOException {
		TensorInfo t = info(name);
		Shape shape = new Shape(t.shape);
		if (t.dtype == TensorInfo.DType.F32) {
			FloatBuffer fb = bytes(name).asFloatBuffer();
			float[] data = new float[(int) t.elementCount()];
			fb.get(data);
			return manager.create(data, shape);
		}
		if (t.dtype.isFloating()) return manager.create(floats(name), shape);
		return manager.create(longs(name), shape);
	}

	@Override
	public void close() throws IOException {
		channel.close();
	}
}
