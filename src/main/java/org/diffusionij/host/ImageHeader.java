package org.diffusionij.host;

import ij.io.FileInfo;
import ij.io.TiffDecoder;
import java.awt.image.SampleModel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * The size of an image file as its header states it, read without the pixels: TIFF through ImageJ's own
 * {@link TiffDecoder} (every page, and an ImageJ stack's {@code images=} count), PNG, JPEG, GIF and BMP
 * through Java's image readers. A header can claim any size, so the memory the pixels take in ImageJ is known
 * (and checked, {@link HeapCheck}) before ImageJ makes the arrays.
 */
public final class ImageHeader {

	public final int width, height;
	/** Planes (slices, channels, frames) the file holds; at least 1. */
	public final long planes;
	/** Bytes per pixel and plane as ImageJ holds them: 1 (8-bit), 2 (16-bit), 4 (32-bit and RGB), 6 (48-bit RGB). */
	public final int bytesPerPixel;

	/** Bytes of uncompressed pixel data the header places beyond the file's end (a truncated file); 0 when none. */
	private final long missingBytes;

	private ImageHeader(int width, int height, long planes, int bytesPerPixel, long missingBytes) {
		this.width = width;
		this.height = height;
		this.planes = Math.max(1, planes);
		this.bytesPerPixel = bytesPerPixel;
		this.missingBytes = missingBytes;
	}

	/** The header of {@code file}, or null when it is no format read here or cannot be read (ImageJ will say). */
	public static ImageHeader read(File file) {
		try {
			byte[] magic = new byte[4];
			try (InputStream in = Files.newInputStream(file.toPath())) {
				if (in.readNBytes(magic, 0, 4) < 4) return null;
			}
			boolean tiff = magic[0] == 'I' && magic[1] == 'I' && magic[2] == 42 && magic[3] == 0 ||
				magic[0] == 'M' && magic[1] == 'M' && magic[2] == 0 && magic[3] == 42;
			return tiff ? tiff(file) : imageIO(file);
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
	}

	/**
	 * Refuses {@code file} when its header states more pixels than the Java heap can hold now, or uncompressed
	 * pixels beyond the file's end (a truncated copy, which ImageJ would open padded with black); passes files
	 * whose size cannot be read here (ImageJ then opens or refuses them itself).
	 *
	 * @param name how the message names the file ("input=cells.tif")
	 * @return the header, or null when it could not be read
	 */
	public static ImageHeader checkFits(File file, String name) {
		ImageHeader h = read(file);
		if (h != null) {
			HeapCheck.require(name + " (" + h.describe() + ")", HeapCheck.times(h.width, h.height), h.bytes(), "to open");
		}
		if (h != null && h.missingBytes > 0) {
			throw new IllegalArgumentException(name + " is truncated or damaged: its header describes " + h.describe() +
				", which ends " + HeapCheck.size(h.missingBytes) + " after the file's end (" + HeapCheck.size(file
					.length()) + "). Copy or export the file again.");
		}
		return h;
	}

	/** Bytes the pixels take in ImageJ; {@link Long#MAX_VALUE} when that does not fit in a long. */
	public long bytes() {
		return HeapCheck.times(HeapCheck.times(HeapCheck.times(width, height), planes), bytesPerPixel);
	}

	/** "100000×100000 pixels, 3 planes of 16-bit" for messages. */
	public String describe() {
		String depth = bytesPerPixel == 1 ? "8-bit" : bytesPerPixel == 2 ? "16-bit" : bytesPerPixel == 6 ?
			"48-bit RGB" : "32-bit or RGB";
		return width + "×" + height + " pixels, " + planes + " plane" + (planes == 1 ? "" : "s") + " of " + depth;
	}

	private static ImageHeader tiff(File file) throws IOException {
		FileInfo[] info = new TiffDecoder(file.getParent() == null ? "" : file.getParent() + File.separator, file
			.getName()).getTiffInfo();
		if (info == null || info.length == 0) return null;
		FileInfo first = info[0];
		long planes = info.length > 1 ? info.length : first.nImages;
		int width = first.width, height = first.height;
		for (FileInfo fi : info) {
			width = Math.max(width, fi.width);
			height = Math.max(height, fi.height);
		}
		long end = 0;
		for (FileInfo fi : info) end = Math.max(end, pixelDataEnd(fi, info.length > 1 ? 1 : fi.nImages));
		return new ImageHeader(width, height, planes, bytesPerPixel(first), Math.max(0, end - file.length()));
	}

	/** Where uncompressed pixel data of {@code images} planes from {@code fi} end in the file; 0 when compressed. */
	private static long pixelDataEnd(FileInfo fi, int images) {
		if (fi.compression > FileInfo.COMPRESSION_NONE) return 0;
		long plane = HeapCheck.times(HeapCheck.times(fi.width, fi.height), fi.getBytesPerPixel());
		long start = fi.getOffset();
		if (fi.stripOffsets != null && fi.stripOffsets.length > 0) start = Math.min(start, fi.stripOffsets[0] &
			0xffffffffL);
		long gaps = HeapCheck.times(Math.max(0, images - 1), Math.max(0, fi.gapBetweenImages));
		return HeapCheck.plus(HeapCheck.plus(start, HeapCheck.times(plane, Math.max(1, images))), gaps);
	}

	/** As ImageJ stores a FileInfo type: 8-bit in bytes, 16-bit in shorts, 32-bit and 64-bit as float, RGB as int. */
	private static int bytesPerPixel(FileInfo fi) {
		switch (fi.fileType) {
			case FileInfo.GRAY8:
			case FileInfo.COLOR8:
			case FileInfo.BITMAP:
				return 1;
			case FileInfo.GRAY16_SIGNED:
			case FileInfo.GRAY16_UNSIGNED:
			case FileInfo.GRAY12_UNSIGNED:
			case FileInfo.GRAY10_UNSIGNED:
				return 2;
			case FileInfo.RGB48:
			case FileInfo.RGB48_PLANAR:
				return 6;
			default:
				return 4;
		}
	}

	/** 1 or 2 for gray 8- or 16-bit images, else 4 (ImageJ's RGB); 4 when the reader cannot tell from the header. */
	private static int bytesPerPixel(ImageReader reader) {
		try {
			Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
			if (types == null || !types.hasNext()) return 4;
			SampleModel sm = types.next().getSampleModel();
			if (sm.getNumBands() != 1) return 4;
			return sm.getSampleSize(0) <= 8 ? 1 : sm.getSampleSize(0) <= 16 ? 2 : 4;
		}
		catch (IOException | RuntimeException e) {
			return 4;
		}
	}

	private static ImageHeader imageIO(File file) throws IOException {
		try (ImageInputStream in = ImageIO.createImageInputStream(file)) {
			if (in == null) return null;
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) return null;
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, false, true);
				int width = reader.getWidth(0), height = reader.getHeight(0);
				return new ImageHeader(width, height, 1, bytesPerPixel(reader), 0);
			}
			finally {
				reader.dispose();
			}
		}
	}
}
