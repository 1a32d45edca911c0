package org.diffusionij.recipes;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Reads the 8-bit grayscale PNGs of a folder (sorted by name) as float planes in 0..255. */
public final class GrayImages {

	/** One image: name, size and pixels. */
	public static final class Gray {
		public final String name;
		public final int width, height;
		public final float[] pixels;

		Gray(String name, int width, int height, float[] pixels) {
			this.name = name;
			this.width = width;
			this.height = height;
			this.pixels = pixels;
		}
	}

	private GrayImages() {}

	public static List<Gray> read(Path folder) throws IOException {
		List<Path> files;
		try (Stream<Path> s = Files.list(folder)) {
			files = s.filter(p -> p.toString().endsWith(".png")).sorted().collect(Collectors.toList());
		}
		List<Gray> out = new ArrayList<>();
		for (Path f : files) {
			BufferedImage img = ImageIO.read(f.toFile());
			Raster r = img.getRaster();
			int w = img.getWidth(), h = img.getHeight();
			float[] px = new float[w * h];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) px[y * w + x] = r.getSample(x, y, 0);
			}
			out.add(new Gray(f.getFileName().toString(), w, h, px));
		}
		if (out.isEmpty()) throw new IOException("No PNG images in " + folder);
		return out;
	}
}
