// A tour of Diffusion for ImageJ in a real ImageJ 1: train a few steps on a real stack (fine-tuning the
// bundled denoiser), denoise a real noisy photograph with the model just trained, and generate an image from
// a prompt with the tiny Stable Diffusion test model. Each result is saved; the test that runs this macro
// (RealHostTourIT) checks the files, and the macro writes a summary line per step to tour.txt.
//
// Argument: "<work folder>|<stack>|<noisy image>|<Stable Diffusion folder>"
args = split(getArgument(), "|");
work = args[0]; stack = args[1]; noisy = args[2]; sd = args[3];
setBatchMode(true);
summary = "";

// 1. Train Diffusion on Stack: fine-tune the bundled model on a real stack for a few steps
open(stack);
run("Train Diffusion on Stack", "folder=[" + work + "/tour model] init=denoise-gray steps=4 batch=2 patch=32 seed=1 checkpoint_every=4");
close("*");
summary = summary + "trained: " + File.exists(work + "/tour model/unet/diffusion_pytorch_model.safetensors") + "\n";

// 2. Denoise Image with the model just trained
open(noisy);
run("Denoise Image", "model=[" + work + "/tour model] sigma=auto mode=mean");
saveAs("Tiff", work + "/denoised.tif");
summary = summary + "denoised: " + getWidth() + "x" + getHeight() + " " + bitDepth() + "-bit\n";
close("*");

// 3. Generate from Prompt with the tiny Stable Diffusion model
run("Generate from Prompt", "model=[" + sd + "] prompt=[A painting of a squirrel eating a burger] width=64 height=64 steps=5 seed=42");
saveAs("Tiff", work + "/generated.tif");
summary = summary + "generated: " + getWidth() + "x" + getHeight() + " " + bitDepth() + "-bit\n";
close("*");

File.saveString(summary, work + "/tour.txt");
