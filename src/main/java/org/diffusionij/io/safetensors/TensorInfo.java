package org.diffusionij.io.safetensors;

import java.util.Arrays;

/** One tensor entry of a safetensors header: dtype, shape and the byte range inside the data section. */
public final class TensorInfo {

	public final String name;
	public final DType dtype;
	public final long[] shape;
	/** Offsets relative to the start of the data section (after the header). */
	public final long begin, end;

	public TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
		this.name = name;
		this.dtype = dtype;
		this.shape = shape.clone();
		this.begin = begin;
		this.end = end;
	}

	public long elementCount() {
		long n = 1;
		for (long d : shape) n = Math.multiplyExact(n, d);
		return n;
	}

	public long byteLength() {
		return end - begin;
	}

	@Override
	public String toString() {
		return name + " " + dtype + Arrays.toString(shape);
	}

	/** Element types that the reader understands. Floating types are read as float32. */
	public enum DType {
		F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

		public final int bytes;

		DType(int bytes) {
			this.bytes = bytes;
		}

		public boolean isFloating() {
			return this == F64 || this == F32 || this == F16 || this == BF16;
		}
	}
}
