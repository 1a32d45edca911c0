// denoise.ijm: denoise one image without a display.
// Fiji:       ImageJ-linux64 --headless -macro denoise.ijm "/data/in.tif|/data/out.tif"
// ImageJ 1:   xvfb-run java -jar ij.jar -batch denoise.ijm "/data/in.tif|/data/out.tif"
args = split(getArgument(), "|");
open(args[0]);
run("Denoise Image", "sigma=auto mode=mean");
saveAs("Tiff", args[1]);
